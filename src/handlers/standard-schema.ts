/**
 * The part of the Standard Schema v1 interface (https://standardschema.dev) that dropsocket
 * calls. zod, valibot and arktype schemas all provide it under the `~standard` key, so a
 * handler's `static schema` can come from any of them without an adapter.
 */

/** A validation problem as a Standard Schema reports it. */
export interface SchemaIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/** The result of `validate`: the (possibly transformed) value, or the issues. */
export type SchemaResult<Output> = { readonly value: Output; readonly issues?: undefined } | { readonly issues: ReadonlyArray<SchemaIssue> };

/** A Standard Schema v1 validator. */
export interface StandardSchema<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => SchemaResult<Output> | Promise<SchemaResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

/** Whether `value` looks like a Standard Schema v1 validator. */
export function isStandardSchema(value: unknown): value is StandardSchema {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  const standard = (value as { '~standard'?: { version?: unknown; validate?: unknown } })['~standard'];
  return standard?.version === 1 && typeof standard.validate === 'function';
}

/**
 * The JSON Schema of a schema's input, where the schema implements Standard JSON Schema v1
 * (`~standard.jsonSchema`, https://standardschema.dev/json-schema: zod 4.2+, valibot and
 * arktype in their current versions); undefined when it does not or cannot convert (a
 * custom refinement, say). `$schema` is left out: the result is embedded in a document.
 */
export function inputJsonSchema(schema: unknown, target: 'draft-07' | 'draft-2020-12' = 'draft-07'): Record<string, unknown> | undefined {
  if (!isStandardSchema(schema)) return undefined;
  const converter = (schema['~standard'] as { jsonSchema?: { input?: unknown } }).jsonSchema;
  if (typeof converter?.input !== 'function') return undefined;
  try {
    const converted: unknown = (converter.input as (options: { target: string }) => unknown).call(converter, { target });
    if (converted === null || typeof converted !== 'object') return undefined;
    const { $schema: _dialect, ...rest } = converted as Record<string, unknown>;
    return rest;
  } catch {
    return undefined;
  }
}
