/**
 * The typed contract between a client and the handlers it calls. Types only: this module
 * emits no code, so the Node client and the browser client both use it for free.
 *
 * `dropsocket types` writes a declaration file whose default export is
 * `HandlerApi<{ 'room.join': typeof RoomJoin, ... }>`; tsc computes each name's input and
 * output from the handler classes in the consumer's own build, so the generator needs no
 * compiler and never runs the handlers.
 */

/**
 * What a typed client is parameterised with: per request name, the data it takes and what
 * its answer resolves to; per push name, the payload the `client()` hook receives and what
 * it answers a server call with.
 */
export interface SocketApi {
  readonly requests: { readonly [name: string]: { readonly input: unknown; readonly output: unknown } };
  readonly pushes: { readonly [name: string]: { readonly payload: unknown; readonly answer: unknown } };
}

/** A handler class as `typeof SomeHandler` gives it. */
type AnyClass = abstract new (...args: never) => unknown;

type InstanceOf<H> = H extends abstract new (...args: never) => infer I ? I : never;

/** The handler's `server()` method, or never when the class does not define one. */
type ServerMethod<H> = InstanceOf<H> extends { server: infer S } ? S : never;

/** The handler's `client()` method, or never when the class does not define one. */
type ClientMethod<H> = InstanceOf<H> extends { client: infer C } ? C : never;

/** First parameter of `method`; `undefined` for a method that takes none. */
type FirstParameter<M> = M extends (...args: infer P) => unknown ? (P extends [] ? undefined : P[0]) : never;

/** The value a caller receives: awaited, and `null` where the handler returns nothing (the wire sends null). */
type Answered<M> = M extends (...args: never) => infer R ? NullForVoid<Awaited<R>> : never;
type NullForVoid<T> = [T] extends [undefined | void] ? null : undefined extends T ? Exclude<T, undefined | void> | null : T;

/** The Standard Schema input type of the class's `static schema`, or never when it declares none. */
// Brackets keep the check whole: the base class's `StandardSchema | undefined` must not
// distribute into "some schema of unknown input".
type SchemaInput<H> = H extends { schema: infer S } ? ([S] extends [{ readonly '~standard': { readonly types?: infer T } }] ? (NonNullable<T> extends { readonly input: infer I } ? I : unknown) : never) : never;

/**
 * The data a request to handler class `H` takes: the input type of its `static schema`
 * when it declares one, else the first parameter of its `server()`.
 */
export type HandlerInput<H> = [SchemaInput<H>] extends [never] ? FirstParameter<ServerMethod<H>> : SchemaInput<H>;

/** What a request to handler class `H` resolves with: the awaited return type of `server()`. */
export type HandlerOutput<H> = Answered<ServerMethod<H>>;

/** The payload the `client()` hook of handler class `H` receives. */
export type HandlerPushPayload<H> = FirstParameter<ClientMethod<H>>;

/** What the `client()` hook of handler class `H` answers a server call with. */
export type HandlerPushAnswer<H> = Answered<ClientMethod<H>>;

/**
 * Stands for a JavaScript handler file, whose types tsc may not see: it takes and answers
 * anything, as both a request and a push.
 */
export type UntypedHandler = abstract new () => { server(data?: unknown): unknown; client(payload?: unknown): unknown };

/**
 * The {@link SocketApi} of a set of handler classes by request name: every class with a
 * `server()` is a request (except `auth`, which the client sends itself), every class with
 * a `client()` is a push.
 */
export type HandlerApi<Handlers extends { readonly [name: string]: AnyClass }> = {
  readonly requests: {
    readonly [N in keyof Handlers & string as N extends 'auth' ? never : [ServerMethod<Handlers[N]>] extends [never] ? never : N]: {
      readonly input: HandlerInput<Handlers[N]>;
      readonly output: HandlerOutput<Handlers[N]>;
    };
  };
  readonly pushes: {
    readonly [N in keyof Handlers & string as [ClientMethod<Handlers[N]>] extends [never] ? never : N]: {
      readonly payload: HandlerPushPayload<Handlers[N]>;
      readonly answer: HandlerPushAnswer<Handlers[N]>;
    };
  };
};

/** The request names of `Api`. */
export type RequestName<Api extends SocketApi> = keyof Api['requests'] & string;
/** The data request `N` takes. */
export type RequestInput<Api extends SocketApi, N extends RequestName<Api>> = Api['requests'][N]['input'];
/** What request `N` resolves with. */
export type RequestOutput<Api extends SocketApi, N extends RequestName<Api>> = Api['requests'][N]['output'];
/** The push names of `Api`. */
export type PushName<Api extends SocketApi> = keyof Api['pushes'] & string;
/** The payload of push `N`. */
export type PushPayload<Api extends SocketApi, N extends PushName<Api>> = Api['pushes'][N]['payload'];
/** What the hook of push `N` answers a server call with. */
export type PushAnswer<Api extends SocketApi, N extends PushName<Api>> = Api['pushes'][N]['answer'];

/** The arguments after the name: data (optional when the input accepts undefined), then options. */
export type RequestArguments<Api extends SocketApi, N extends RequestName<Api>, Options> =
  undefined extends RequestInput<Api, N> ? [data?: RequestInput<Api, N>, options?: Options] : [data: RequestInput<Api, N>, options?: Options];

/** `{request, data}` for each request name: the object form of `send`. */
export type RequestMessage<Api extends SocketApi> = {
  [N in RequestName<Api>]: undefined extends RequestInput<Api, N> ? { request: N; data?: RequestInput<Api, N> } : { request: N; data: RequestInput<Api, N> };
}[RequestName<Api>];

/**
 * `client.request` for a client typed by `Api`; with no Api (`undefined`) exactly the
 * untyped signature, so a plain `SocketClient` keeps `request<T>(name: string, data?)`.
 */
export type RequestMethod<Api extends SocketApi | undefined, Options> = Api extends SocketApi
  ? <N extends keyof Api['requests'] & string>(request: N, ...rest: RequestArguments<Api, N, Options>) => Promise<RequestOutput<Api, N>>
  : <T = unknown>(request: string, data?: unknown, options?: Options) => Promise<T>;

/** `client.send` for a client typed by `Api`; untyped without one. */
export type SendMethod<Api extends SocketApi | undefined> = Api extends SocketApi
  ? {
      <N extends keyof Api['requests'] & string>(request: N, ...rest: undefined extends RequestInput<Api, N> ? [data?: RequestInput<Api, N>] : [data: RequestInput<Api, N>]): boolean;
      (message: RequestMessage<Api>): boolean;
    }
  : (request: string | { request: string; data?: unknown }, data?: unknown) => boolean;

/** A push hook registered in code (the browser client's `handle`): typed by `Api` when given. */
export type PushHook<Api extends SocketApi | undefined, N extends string> = Api extends SocketApi
  ? N extends PushName<Api>
    ? (payload: PushPayload<Api, N>) => PushAnswer<Api, N> | Promise<PushAnswer<Api, N>> | void
    : never
  : (payload: unknown) => unknown;

/** The name a push hook may be registered under: a push name of `Api`, or any string untyped. */
export type PushHookName<Api extends SocketApi | undefined> = Api extends SocketApi ? PushName<Api> : string;
