/**
 * The GPU example: which numbers below a bound are prime, one GPU invocation per number (trial division,
 * integers only, so every GPU computes the same bytes). The input is the bound as one little-endian u32;
 * output word n is 1 when n is prime, else 0.
 */

export const PRIMES_WGSL = `// Output word n is 1 when n is prime, else 0, for n below the bound in the input's first word.
@group(0) @binding(0) var<storage, read> input: array<u32>;
@group(0) @binding(1) var<storage, read_write> output: array<u32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let n = id.x;
  if (n >= arrayLength(&output)) {
    return;
  }
  var prime = n >= 2u && n < input[0];
  for (var d = 2u; prime && d * d <= n; d = d + 1u) {
    if (n % d == 0u) {
      prime = false;
    }
  }
  output[n] = select(0u, 1u, prime);
}
`

export const WGSL_WORKGROUP_SIZE = 64

/** The input of the example for `limit`: the bound as one little-endian u32. */
export function primesWgslInput(limit: number): Uint8Array {
  const bytes = new Uint8Array(4)
  new DataView(bytes.buffer).setUint32(0, limit, true)
  return bytes
}

/** What the shader writes for `limit` words: the reference the example's expected hash comes from. */
export function primesWgslOutput(limit: number): Uint8Array {
  const words = new Uint32Array(limit)
  for (let n = 2; n < limit; n++) {
    let prime = true
    for (let d = 2; d * d <= n; d++) if (n % d === 0) prime = false
    words[n] = prime ? 1 : 0
  }
  const bytes = new Uint8Array(words.buffer)
  // The output is little-endian words, whatever this machine's byte order.
  const view = new DataView(bytes.buffer)
  for (let n = 0; n < limit; n++) view.setUint32(n * 4, words[n]!, true)
  return bytes
}
