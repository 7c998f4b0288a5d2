/**
 * Counts the instructions of a WebAssembly module's function bodies by opcode class, decoding each
 * instruction with its immediates (WebAssembly 2.0: MVP, sign extension, saturating truncation, bulk
 * memory, reference types). Enough to tell whether a module computes with floating point at all.
 */

/** f32/f64 arithmetic, comparison, constants and conversions to or from floats (loads and stores are not). */
const isFloatOpcode = (op: number): boolean =>
  op === 0x43 || // f32.const
  op === 0x44 || // f64.const
  (op >= 0x5b && op <= 0x66) || // f32/f64 comparisons
  (op >= 0x8b && op <= 0xa6) || // f32/f64 arithmetic
  (op >= 0xa8 && op <= 0xbf && op !== 0xac && op !== 0xad) // conversions and reinterpretations with floats

export interface InstructionCounts {
  functions: number
  instructions: number
  /** Floating-point computing instructions, by opcode (hex). */
  float: Record<string, number>
  /** 0xFD-prefixed (SIMD) instructions; decoding stops at the first, so this is 0 or 1 per function. */
  vector: number
  i64Mul: number
}

export function countInstructions(bytes: Uint8Array): InstructionCounts {
  let at = 8 // magic and version
  const u = (): number => {
    let result = 0
    let shift = 0
    for (;;) {
      const byte = bytes[at++] as number
      result += (byte & 0x7f) * 2 ** shift
      shift += 7
      if ((byte & 0x80) === 0) return result
    }
  }
  const counts: InstructionCounts = { functions: 0, instructions: 0, float: {}, vector: 0, i64Mul: 0 }
  while (at < bytes.length) {
    const id = bytes[at++] as number
    const size = u()
    const end = at + size
    if (id === 10) {
      const bodies = u()
      for (let f = 0; f < bodies; f++) {
        const bodyEnd = u() + at
        for (let groups = u(); groups > 0; groups--) {
          u() // how many locals
          at++ // of which type
        }
        decodeBody(bodyEnd)
        at = bodyEnd
        counts.functions++
      }
    }
    at = end
  }
  return counts

  function decodeBody(bodyEnd: number): void {
    while (at < bodyEnd) {
      const op = bytes[at++] as number
      counts.instructions++
      if (isFloatOpcode(op)) {
        const name = op.toString(16)
        counts.float[name] = (counts.float[name] ?? 0) + 1
      }
      if (op === 0x7e) counts.i64Mul++
      if (op === 0xfd) {
        counts.vector++
        return
      }
      skipImmediates(op)
    }
  }

  /** Skips `n` LEB128 numbers (their sign does not matter for skipping). */
  function skip(n: number): void {
    for (let i = 0; i < n; i++) u()
  }

  function skipImmediates(op: number): void {
    if (op === 0x02 || op === 0x03 || op === 0x04) {
      const type = bytes[at] as number
      if (type === 0x40 || (type >= 0x6f && type <= 0x7f)) at++
      else skip(1) // a type index (s33, non-negative here)
    } else if (op === 0x0c || op === 0x0d || (op >= 0x20 && op <= 0x26) || op === 0x10 || op === 0xd2) skip(1)
    else if (op === 0x0e)
      skip(u() + 1) // the labels and the default
    else if (op === 0x11 || (op >= 0x28 && op <= 0x3e))
      skip(2) // type and table; memarg
    else if (op === 0x3f || op === 0x40 || op === 0xd0) at++
    else if (op === 0x41 || op === 0x42) skip(1)
    else if (op === 0x43) at += 4
    else if (op === 0x44) at += 8
    else if (op === 0x1c) at += u()
    else if (op === 0xfc) skipPrefixed(u())
  }

  function skipPrefixed(sub: number): void {
    if (sub <= 7) {
      const name = `fc${sub}` // saturating float-to-integer truncation
      counts.float[name] = (counts.float[name] ?? 0) + 1
    } else if (sub === 8) {
      skip(1)
      at++
    } else if (sub === 9 || sub === 13 || (sub >= 15 && sub <= 17)) skip(1)
    else if (sub === 10) at += 2
    else if (sub === 11) at++
    else if (sub === 12 || sub === 14) skip(2)
  }
}
