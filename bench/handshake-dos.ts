/**
 * npm run bench:handshake — what a stranger's message 1 costs a STOQ responder, and what FALCON-1024
 * costs with each implementation, in CPU time of this thread (process.cpuUsage, so other load on the
 * machine counts less than in wall time):
 * 1. FALCON-1024 signing and verification, liboqs (WebAssembly, constant-time; what the node uses) and
 *    @noble (what browsers use), taking turns in rounds;
 * 2. the responder's answer to one message 1 (reading it and writing message 2): now, with no FALCON
 *    signature, against the same plus the signature that message 2 carried before (payload version 2);
 * 3. what a stateless cookie would add: one HMAC-SHA-256 per message 1 (and one round trip per
 *    connection, which is not CPU);
 * 4. a whole handshake, both sides in this thread, signing with liboqs.
 * Prints a table and writes bench/results/handshake-dos.json.
 */
import { createHmac, randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import { falcon1024Scheme, nobleFalcon1024Scheme } from '../app/consensus/signature-scheme'
import { inlineFalconSigner, STOQ_NOISE_PROTOCOL, STOQ_PROTOCOL } from '../app/stoq'
import {
  generateX25519,
  InitiatorHandshake,
  ResponderHandshake,
  type LocalKeys,
} from '../app/stoq/handshake/xxhfs'
import { benchHeader, writeBenchResult } from './report'

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    signatures: { type: 'string', default: '20' },
    verifications: { type: 'string', default: '100' },
    answers: { type: 'string', default: '50' },
  },
})
const ROUNDS = Number(values.rounds)

/** CPU milliseconds per call of `f`, over `count` calls. */
async function cpuMs(count: number, f: () => unknown): Promise<number> {
  const start = process.cpuUsage()
  for (let i = 0; i < count; i++) await f()
  const used = process.cpuUsage(start)
  return (used.user + used.system) / 1000 / count
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number

const prologue = new TextEncoder().encode(`${STOQ_PROTOCOL} ${STOQ_NOISE_PROTOCOL}`)
const falconKeys = falcon1024.keygen()
const keys = async (): Promise<LocalKeys> => ({
  identity: await generateKeyPair('Ed25519'),
  staticKey: generateX25519(),
  falcon: inlineFalconSigner(falconKeys, falcon1024Scheme),
  streamMuxers: ['/yamux/1.0.0'],
})
const alice = await keys()
const bob = await keys()
const m1 = new InitiatorHandshake(alice, prologue).writeMessage1()
const transcript = randomBytes(32 + 23 + 36)
const signature = falcon1024Scheme.sign(transcript, falconKeys.secretKey)
const cookieKey = randomBytes(32)

const answer = async (): Promise<void> => {
  const responder = new ResponderHandshake(bob, prologue)
  responder.readMessage1(m1)
  await responder.writeMessage2()
}

async function fullHandshake(): Promise<void> {
  const initiator = new InitiatorHandshake(alice, prologue)
  const responder = new ResponderHandshake(bob, prologue)
  responder.readMessage1(initiator.writeMessage1())
  await initiator.readMessage2(await responder.writeMessage2())
  await responder.readMessage3(await initiator.writeMessage3())
  await initiator.readMessage4(await responder.writeMessage4())
}

const measures: Record<string, () => Promise<number>> = {
  'FALCON-1024 sign, liboqs': () =>
    cpuMs(Number(values.signatures), () => falcon1024Scheme.sign(transcript, falconKeys.secretKey)),
  'FALCON-1024 sign, @noble': () =>
    cpuMs(Number(values.signatures), () => nobleFalcon1024Scheme.sign(transcript, falconKeys.secretKey)),
  'FALCON-1024 verify, liboqs': () =>
    cpuMs(Number(values.verifications), () =>
      falcon1024Scheme.verify(signature, transcript, falconKeys.publicKey),
    ),
  'FALCON-1024 verify, @noble': () =>
    cpuMs(Number(values.verifications), () =>
      nobleFalcon1024Scheme.verify(signature, transcript, falconKeys.publicKey),
    ),
  'answer to a message 1 (message 2, no signature: now)': () => cpuMs(Number(values.answers), answer),
  'cookie: HMAC-SHA-256 over address and message 1': () =>
    cpuMs(Number(values.answers) * 20, () =>
      createHmac('sha256', cookieKey).update('127.0.3.7:40000').update(m1).digest(),
    ),
  'whole handshake, both sides, liboqs FALCON': () =>
    cpuMs(Math.max(3, Number(values.answers) / 5), fullHandshake),
}

const byName = new Map<string, number[]>(Object.keys(measures).map((name) => [name, []]))
for (const measure of Object.values(measures)) await measure() // warm up every path once
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, measure] of Object.entries(measures)) byName.get(name)?.push(await measure())
  console.log(`round ${round + 1}/${ROUNDS} done`)
}
const results = Object.fromEntries(
  [...byName].map(([name, runs]) => [name, { medianCpuMs: median(runs), runs }]),
)
const ms = (name: string): number => results[name]?.medianCpuMs as number
const before = ms('answer to a message 1 (message 2, no signature: now)') + ms('FALCON-1024 sign, @noble')
results['answer to a message 1 as before (message 2 signed with @noble)'] = { medianCpuMs: before, runs: [] }

console.log('\nCPU ms per call (median of rounds):')
for (const [name, r] of Object.entries(results))
  console.log(`  ${r.medianCpuMs.toFixed(3).padStart(8)}  ${name}`)
writeBenchResult('handshake-dos', {
  ...benchHeader(`npm run bench:handshake -- --rounds ${ROUNDS}`),
  unit: 'CPU milliseconds per call, this thread',
  results,
})
