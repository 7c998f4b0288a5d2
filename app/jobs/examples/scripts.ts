/**
 * The primes below a bound, in JavaScript and in Python: the same output as the WebAssembly sieve, so a
 * new user sees three runtimes agree. The bound comes from the input (a decimal number).
 */
export const PRIMES_JS = `// The primes below the number given as input, one per line (a sieve of Eratosthenes).
const limit = Number(input.trim() || '1000')
const composite = new Uint8Array(limit)
const primes = []
for (let n = 2; n < limit; n++) {
  if (composite[n]) continue
  primes.push(n)
  for (let m = n * n; m < limit; m += n) composite[m] = 1
}
print(primes.join('\\n'))
`

export const PRIMES_PY = `# The primes below the number given as input, one per line (a sieve of Eratosthenes).
import sys

limit = int(sys.stdin.read().strip() or "1000")
composite = bytearray(limit)
primes = []
for n in range(2, limit):
    if composite[n]:
        continue
    primes.append(n)
    for m in range(n * n, limit, n):
        composite[m] = 1
print("\\n".join(map(str, primes)))
`

/**
 * What each prints for `limit`: the primes below it, one per line, with a final newline. Found by trial
 * division rather than a sieve, so the expected output does not share the examples' method.
 */
export function primesOutput(limit: number): string {
  const lines: string[] = []
  for (let n = 2; n < limit; n++) {
    let prime = true
    for (let d = 2; d * d <= n && prime; d++) prime = n % d !== 0
    if (prime) lines.push(String(n))
  }
  return `${lines.join('\n')}\n`
}
