/**
 * What generated-input (fast-check) tests of decoders share: a decoder either decodes or refuses with its
 * own error type, and never throws anything else; and flipping one bit of an encoding.
 */
import fc from 'fast-check'

type ErrorType = abstract new (...args: never[]) => Error

/**
 * Runs `decode`: its value, or `refused` when it throws one of `errorTypes`. Anything else it throws is
 * rethrown, with the input's description, so the property fails on it.
 */
export function decodedOrRefused<T>(
  decode: () => T,
  ...errorTypes: ErrorType[]
): { ok: true; value: T } | { ok: false; error: Error } {
  try {
    return { ok: true, value: decode() }
  } catch (err) {
    if (errorTypes.some((type) => err instanceof type)) return { ok: false, error: err as Error }
    throw err
  }
}

/** A copy of `bytes` with bit `bit` (0 = the lowest bit of the first byte) flipped. */
export function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = new Uint8Array(bytes)
  out[bit >> 3] = (out[bit >> 3] as number) ^ (1 << (bit & 7))
  return out
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)

/** Inputs a decoder of JSON records may be handed: any bytes, any JSON text, any text. */
export const anyJsonInput = (): fc.Arbitrary<Uint8Array> =>
  fc.oneof(
    fc.uint8Array({ maxLength: 512 }),
    fc.jsonValue({ maxDepth: 4 }).map((v) => utf8(JSON.stringify(v) ?? 'null')),
    fc.string({ maxLength: 256 }).map(utf8),
  )

/** Any JSON value, for schemas that parse what JSON.parse gave them. */
export const anyJson = (): fc.Arbitrary<unknown> => fc.jsonValue({ maxDepth: 5 })

/** `value` with one field replaced by arbitrary JSON, or dropped, or an arbitrary field added. */
export function mutatedObject(value: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(value)
  return fc.oneof(
    fc
      .record({ key: fc.constantFrom(...keys), json: fc.jsonValue({ maxDepth: 2 }) })
      .map(({ key, json }) => ({
        ...value,
        [key]: json,
      })),
    fc.constantFrom(...keys).map((key) => {
      const copy = { ...value }
      delete copy[key]
      return copy
    }),
    fc
      .record({ key: fc.string({ maxLength: 8 }), json: fc.jsonValue({ maxDepth: 2 }) })
      .map(({ key, json }) => ({
        ...value,
        [key]: json,
      })),
  )
}
