import QUnit from 'qunit';
import type { DiscoveredHandler } from '../../../src/handlers/discover.js';
import { Handler, type HandlerClass } from '../../../src/handlers/handler.js';
import { HandlerRegistry } from '../../../src/handlers/registry.js';
import type { StandardSchema } from '../../../src/handlers/standard-schema.js';
import { assertThrowsType } from '../../helpers/assert-throws.js';

const schema: StandardSchema = { '~standard': { version: 1, vendor: 'test', validate: (value) => ({ value }) } };

/** Returns what `this.server` / `this.socketServer` are inside server(). */
class WhoIsServer extends Handler {
  override server(): unknown {
    return { server: (this as unknown as { server: unknown }).server, socketServer: this.socketServer };
  }
}

/** Returns what `this.client` / `this.socketClient` are inside client(). */
class WhoIsClient extends Handler {
  override client(): unknown {
    return { client: (this as unknown as { client: unknown }).client, socketClient: this.socketClient };
  }
}

class Public extends Handler {
  static override skipAuth = true;
  static override schema = schema;
  override server(data: unknown, connection?: unknown): unknown {
    return { data, connection };
  }
}

class ServerOnly extends Handler {
  override server(): unknown {
    return 'server';
  }
}

const entry = (name: string, HandlerClass: unknown): DiscoveredHandler => ({ name, file: `/handlers/${name}.ts`, HandlerClass: HandlerClass as HandlerClass });

const discovered = [entry('whoIsServer', WhoIsServer), entry('whoIsClient', WhoIsClient), entry('public', Public), entry('serverOnly', ServerOnly)];

QUnit.module('src/handlers/registry', () => {
  QUnit.test('get finds a handler by name with its file', (assert) => {
    const registry = new HandlerRegistry(discovered, 'server', {});
    assert.strictEqual(registry.get('serverOnly')?.name, 'serverOnly');
    assert.strictEqual(registry.get('serverOnly')?.file, '/handlers/serverOnly.ts');
    assert.strictEqual(registry.get('serverOnly')?.run?.(undefined), 'server');
  });

  QUnit.test('prototype names are not found', (assert) => {
    const registry = new HandlerRegistry(discovered, 'server', {});
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'get', 'instances']) {
      assert.strictEqual(registry.get(name), undefined, name);
    }
  });

  QUnit.test('inside server(), this.server and this.socketServer are the owner', (assert) => {
    const owner = { kind: 'server owner' };
    const result = new HandlerRegistry(discovered, 'server', owner).get('whoIsServer')?.run?.(undefined) as Record<string, unknown>;
    assert.strictEqual(result.server, owner);
    assert.strictEqual(result.socketServer, owner);
  });

  QUnit.test('inside client(), this.client and this.socketClient are the owner', (assert) => {
    const owner = { kind: 'client owner' };
    const result = new HandlerRegistry(discovered, 'client', owner).get('whoIsClient')?.run?.(undefined) as Record<string, unknown>;
    assert.strictEqual(result.client, owner);
    assert.strictEqual(result.socketClient, owner);
  });

  QUnit.test('run passes data and the connection through', (assert) => {
    const connection = { id: 'c1' };
    const result = new HandlerRegistry(discovered, 'server', {}).get('public')?.run?.({ a: 1 }, connection);
    assert.deepEqual(result, { data: { a: 1 }, connection });
  });

  QUnit.test('a file without the side\'s method is registered without run', (assert) => {
    const server = new HandlerRegistry(discovered, 'server', {});
    assert.strictEqual(server.get('whoIsClient')?.run, undefined);
    const client = new HandlerRegistry(discovered, 'client', {});
    assert.strictEqual(client.get('serverOnly')?.run, undefined);
    assert.true(client.instances.has('serverOnly'), 'still listed among the instances');
  });

  QUnit.test('a client-side registry applies no schema: it describes the data of server()', (assert) => {
    const registry = new HandlerRegistry(discovered, 'client', {});
    assert.strictEqual(registry.get('public')?.schema, undefined);
    assert.strictEqual(new HandlerRegistry(discovered, 'server', {}).get('public')?.schema, schema);
  });

  QUnit.test('skipAuth and schema are read from the class statics', (assert) => {
    const registry = new HandlerRegistry(discovered, 'server', {});
    assert.true(registry.get('public')?.skipAuth);
    assert.strictEqual(registry.get('public')?.schema, schema);
    assert.false(registry.get('serverOnly')?.skipAuth, 'skipAuth defaults to false');
    assert.strictEqual(registry.get('serverOnly')?.schema, undefined, 'no schema by default');
  });

  QUnit.test('each handler is instantiated once and the owner property is read-only and hidden', (assert) => {
    const owner = {};
    const registry = new HandlerRegistry(discovered, 'server', owner);
    const instance = registry.instances.get('serverOnly');
    assert.strictEqual(registry.get('serverOnly')?.instance, instance);
    assert.true(instance instanceof ServerOnly);
    const descriptor = Object.getOwnPropertyDescriptor(instance, 'server');
    assert.strictEqual(descriptor?.value, owner);
    assert.false(descriptor?.writable, 'read-only');
    assert.false(descriptor?.enumerable, 'not enumerable');
  });

  QUnit.test('a handler used on the wrong side says it is not registered there', (assert) => {
    const instance = new HandlerRegistry(discovered, 'server', {}).instances.get('whoIsClient')!;
    assertThrowsType(assert, () => instance.socketClient, Error);
  });
});
