/**
 * The committed chain of one node: the state after the last committed block, the recent validator sets and
 * block hashes, block building for proposers and the full block check (the paper's valid(v)).
 */
import {
  blockHash,
  blockSize,
  commitHash,
  evidenceRootOf,
  headerSubject,
  txRootOf,
  verifyCommit,
  type Block,
  type Commit,
  type Evidence,
  type HeaderFields,
} from './block'
import type { Hash } from './codec'
import { LedgerRejection, reject } from './errors'
import {
  applyEvidence,
  applyTx,
  beginBlock,
  executeBlockBody,
  genesisState,
  type ExecutionContext,
} from './execute'
import type { GenesisConsensus } from './params'
import {
  proveConsensus,
  verifyConsensusProof,
  type ConsensusProof,
  type NetworkLocation,
  type ProofSigner,
} from './proofs/consensus-proof'
import type { Plot } from './proofs/space'
import type { SignatureScheme } from './signature-scheme'
import { canonicalBytes, fromBase64 } from './codec'
import type { LedgerState, ValidatorRecord, ValidatorSet } from './state'
import { txSize, type SignedTx } from './tx'
import { VerificationCache } from './verification-cache'

/** Where committed blocks live: MemoryBlockStore in the simulator, the node's SQLite store (./ledger). */
export interface BlockStore {
  append(entry: CommittedBlock): void
  /** Every committed block from height 1, in order. */
  all(): Iterable<CommittedBlock>
  get(height: number): CommittedBlock | undefined
}

export interface CommittedBlock {
  readonly block: Block
  readonly commit: Commit
  readonly hash: Hash
}

/** Runs a ledger step; returns the refusal, or null when it applied. */
function refusal(step: () => void): LedgerRejection | null {
  try {
    step()
    return null
  } catch (err) {
    if (err instanceof LedgerRejection) return err
    throw err
  }
}

/** How many past heights keep their validator set and hash (commit checks, asset proof anchors). */
const HISTORY = 256

/**
 * A whole block's encoded bytes (blockSize): transactions, evidence, the previous commit and the header.
 * A full block at the default parameters (5,000 transfers) is about 22 MiB; with the largest commit
 * beside it, the largest block still fits one consensus message (MAX_MESSAGE_BYTES, 64 MiB).
 */
export const MAX_BLOCK_BYTES = 40 * 1024 * 1024
/** Evidence items per block, as the Block schema allows. */
export const MAX_BLOCK_EVIDENCE = 100
/** Room left in a block being built for its header (the proof with its location), which comes last. */
const HEADER_ALLOWANCE_BYTES = 1024 * 1024

export class Chain {
  state: LedgerState
  lastHash: Hash
  lastTimeMs: number
  private readonly setsByHeight = new Map<number, ValidatorSet>()
  private readonly recentHashes = new Map<Hash, number>()
  /** Outcome of validating each header (whose body matched it) on top of the current tip. */
  private readonly checked = new Map<Hash, LedgerState | LedgerRejection>()
  readonly ctx: ExecutionContext
  /** This chain's memory of signatures and proofs already verified (this node's alone). */
  readonly cache = new VerificationCache()
  /**
   * Told of every block executed into the chain, at replay and at commit, with the state before it:
   * what indexes the chain's history (history/). Runs after the block is the tip's; it must not throw.
   */
  onExecuted: ((prior: LedgerState, entry: CommittedBlock) => void) | null = null

  constructor(
    readonly chainId: Hash,
    genesis: GenesisConsensus,
    readonly scheme: SignatureScheme,
    readonly store: BlockStore,
    genesisTimeMs = 0,
  ) {
    this.state = genesisState(genesis, scheme)
    this.lastHash = chainId
    this.lastTimeMs = genesisTimeMs
    this.ctx = {
      chainId,
      params: genesis.params,
      scheme,
      isRecentAnchor: (hash) => this.recentHashes.has(hash) || hash === chainId,
      cache: this.cache,
    }
    this.setsByHeight.set(1, this.state.validatorSet().scheduledAfter(null))
  }

  get height(): number {
    return this.state.height
  }

  get params(): GenesisConsensus['params'] {
    return this.ctx.params
  }

  /**
   * Re-executes every stored block from genesis (start-up, rebuild). Each block's body, position, hash chain,
   * transactions and state root are always checked. `verifyProofs: false` skips the commit signatures and
   * the four proofs of blocks this node's own store holds, which it checked before storing them: a VDF per
   * block would make a day-old chain take minutes to open. A full check is `replay()`.
   */
  replay(options: { verifyProofs?: boolean } = {}): void {
    const verifyProofs = options.verifyProofs ?? true
    for (const entry of this.store.all()) {
      const hash = blockHash(entry.block.header)
      if (hash !== entry.hash)
        reject('invalid-block', `stored block ${entry.block.header.height} does not hash to its record`)
      if (verifyProofs) this.apply(entry, false)
      else {
        this.checkPosition(entry.block)
        this.checkBody(entry.block)
        this.advance(entry, this.validateHeaderAndExecute(entry.block, false))
      }
    }
  }

  /** The validator set that votes at `height`: the state after height − 1 decides it. */
  validatorsAt(height: number): ValidatorSet {
    const set = this.setsByHeight.get(height)
    if (set == null)
      throw new Error(`no validator set known for height ${height} (chain is at ${this.height})`)
    return set
  }

  /** Builds and proves a block on top of the chain. Transactions that fail are left out. */
  buildBlock(init: {
    signer: ProofSigner
    plot: Plot
    location: NetworkLocation
    txs: readonly SignedTx[]
    evidence: readonly Evidence[]
    lastCommit: Commit | null
    timeMs: number
    /** PoTime for the current tip, computed ahead of time (see TimeProofSource). */
    time?: ConsensusProof['time']
  }): Block {
    const height = this.height + 1
    const timeMs = Math.max(init.timeMs, this.lastTimeMs + 1)
    // Each item is checked against the state so far; applyTx and applyEvidence change nothing when they refuse.
    const working = beginBlock(this.state, height, timeMs, this.params)
    const evidence: Evidence[] = []
    for (const e of init.evidence) {
      if (evidence.length >= MAX_BLOCK_EVIDENCE) break
      if (refusal(() => applyEvidence(working, e, this.ctx)) == null) evidence.push(e)
    }
    const txs: SignedTx[] = []
    const others = canonicalBytes({ evidence, lastCommit: init.lastCommit }).length
    const txBudget = MAX_BLOCK_BYTES - others - HEADER_ALLOWANCE_BYTES
    let bytes = 0
    for (const tx of init.txs) {
      if (txs.length >= this.params.maxBlockTxs) break
      // One that is too large is left out: a block holding it would be refused by every validator.
      const size = txSize(tx)
      if (size > this.params.maxTxBytes || bytes + size + 1 > txBudget) continue
      if (refusal(() => applyTx(working, tx, this.ctx, init.signer.address)) == null) {
        txs.push(tx)
        bytes += size + 1
      }
    }
    const next = working
    const fields: HeaderFields = {
      chainId: this.chainId,
      height,
      timeMs,
      previousHash: this.lastHash,
      proposer: init.signer.address,
      txRoot: txRootOf(txs),
      evidenceRoot: evidenceRootOf(evidence),
      stateRoot: next.root(),
      lastCommitHash: commitHash(init.lastCommit),
    }
    const proof = proveConsensus({
      anchor: this.lastHash,
      subject: headerSubject(fields),
      plot: init.plot,
      signer: init.signer,
      location: init.location,
      params: this.params.proofs,
      time: init.time,
    })
    return { header: { ...fields, proof }, txs, evidence, lastCommit: init.lastCommit }
  }

  /**
   * valid(v): everything about a proposed next block, including all four proofs and the re-executed state
   * root. Throws LedgerRejection with the reason. `nowMs` bounds the timestamp unless `forCommit`.
   */
  validateBlock(block: Block, opts: { nowMs: number; forCommit: boolean }): LedgerState {
    const h = block.header
    // The clock bound is checked before the cache: it depends on when the question is asked.
    if (!opts.forCommit && h.timeMs > opts.nowMs + this.params.maxClockDriftMs)
      reject(
        'invalid-block',
        `block ${h.height}: timestamp is ${h.timeMs - opts.nowMs} ms ahead of this validator's clock`,
      )
    // Cheapest first: where the block stands costs nothing, its body a hash per transaction. The body is
    // checked against the header's roots before the cache too: the cache is keyed by the header hash, and
    // one header must never vouch for a different body.
    this.checkPosition(block)
    this.checkBody(block)
    const hash = blockHash(block.header)
    const cached = this.checked.get(hash)
    if (cached instanceof LedgerRejection) throw cached
    if (cached != null) return cached
    try {
      const next = this.validateHeaderAndExecute(block, true)
      this.checked.set(hash, next)
      return next
    } catch (err) {
      if (err instanceof LedgerRejection) this.checked.set(hash, err)
      throw err
    }
  }

  /**
   * The body against the header's roots and the size limits: whether this is the body the header's hash
   * stands for. Cheap next to the signatures inside it, so checked before any of them.
   */
  checkBody(block: Block): void {
    const h = block.header
    const bad = (why: string): never => reject('invalid-block', `block ${h.height}: ${why}`)
    if (block.txs.length > this.params.maxBlockTxs)
      bad(`${block.txs.length} transactions; the limit is ${this.params.maxBlockTxs}`)
    for (const tx of block.txs) if (txSize(tx) > this.params.maxTxBytes) bad('holds an oversized transaction')
    const size = blockSize(block)
    if (size > MAX_BLOCK_BYTES) bad(`it is ${size} bytes; the limit is ${MAX_BLOCK_BYTES}`)
    if (h.txRoot !== txRootOf(block.txs)) bad('transaction root does not match its transactions')
    if (h.evidenceRoot !== evidenceRootOf(block.evidence)) bad('evidence root does not match its evidence')
    if (h.lastCommitHash !== commitHash(block.lastCommit)) bad('last-commit hash does not match')
  }

  /** Where the block stands: this chain, the next height on the tip, after it in time, by a validator. */
  private checkPosition(block: Block): void {
    const h = block.header
    const bad = (why: string): never => reject('invalid-block', `block ${h.height}: ${why}`)
    if (h.chainId !== this.chainId) bad('for another chain')
    if (h.height !== this.height + 1) bad(`expected height ${this.height + 1}`)
    if (h.previousHash !== this.lastHash) bad('does not extend this chain')
    if (h.timeMs <= this.lastTimeMs) bad('timestamp is not after the previous block')
    if (h.height === 1 && block.lastCommit != null) bad('the first block has no previous commit')
    if (h.height > 1 && block.lastCommit == null) bad('missing the commit of the previous block')
    if (this.validatorsAt(h.height).get(h.proposer) == null) bad(`proposer ${h.proposer} is not a validator`)
  }

  /** The checks that the header hash settles once its position and body are checked: commit, proofs, state. */
  private validateHeaderAndExecute(block: Block, verifyProofs: boolean): LedgerState {
    const h = block.header
    const bad = (why: string): never => reject('invalid-block', `block ${h.height}: ${why}`)
    if (h.height > 1 && verifyProofs)
      verifyCommit(
        block.lastCommit!,
        { height: h.height - 1, blockHash: this.lastHash },
        this.validatorsAt(h.height - 1),
        this.scheme,
        this.chainId,
        this.ctx.cache,
      )
    const proposer = this.validatorsAt(h.height).get(h.proposer)
    if (proposer == null) return bad(`proposer ${h.proposer} is not a validator`)
    if (verifyProofs)
      this.verifyProposerProof(h, proposer.record, () => {
        const bonded = this.state.account(h.proposer)?.bonded ?? 0n
        return bonded >= BigInt(this.params.minValidatorStake)
          ? null
          : `proposer has ${bonded} bonded, below the minimum`
      })
    const next = executeBlockBody(
      this.state,
      { height: h.height, proposer: h.proposer, txs: block.txs, evidence: block.evidence, timeMs: h.timeMs },
      this.ctx,
    )
    if (next.root() !== h.stateRoot) bad('state root does not match the executed transactions')
    return next
  }

  private verifyProposerProof(
    h: Block['header'],
    proposer: ValidatorRecord,
    stakeRefusal: () => string | null,
  ): void {
    verifyConsensusProof(h.proof, {
      anchor: h.previousHash,
      subject: headerSubject(h),
      params: this.params.proofs,
      scheme: this.scheme,
      signerAddress: h.proposer,
      signerPublicKey: fromBase64(proposer.publicKey),
      space: proposer.space,
      peerId: proposer.peerId,
      stakeRefusal,
      cache: this.ctx.cache,
    })
  }

  /**
   * Checks a stored block's commit and four proofs again, against the validator set it was decided by.
   * Only the last HISTORY heights keep their set; older blocks are checked by a full replay.
   */
  verifyStored(entry: CommittedBlock): void {
    const h = entry.block.header
    if (blockHash(h) !== entry.hash) reject('invalid-block', `block ${h.height} does not hash to its record`)
    const set = this.setsByHeight.get(h.height)
    if (set == null)
      reject('invalid-block', `block ${h.height} is older than the last ${HISTORY}; a full replay checks it`)
    verifyCommit(
      entry.commit,
      { height: h.height, blockHash: entry.hash },
      set!,
      this.scheme,
      this.chainId,
      this.ctx.cache,
    )
    const proposer = set!.get(h.proposer)
    if (proposer == null) return reject('invalid-block', `proposer ${h.proposer} was not a validator`)
    const minimum = BigInt(this.params.minValidatorStake)
    this.verifyProposerProof(h, proposer.record, () =>
      proposer.power >= minimum ? null : `proposer had ${proposer.power} bonded, below the minimum`,
    )
  }

  /** Commits a decided block (its commit already checked by consensus or by sync). */
  commit(block: Block, commit: Commit): void {
    this.apply({ block, commit, hash: blockHash(block.header) }, true)
  }

  private apply(entry: CommittedBlock, persist: boolean): void {
    const { block, commit, hash } = entry
    this.checkPosition(block)
    verifyCommit(
      commit,
      { height: block.header.height, blockHash: hash },
      this.validatorsAt(block.header.height),
      this.scheme,
      this.chainId,
      this.ctx.cache,
    )
    const next = this.validateBlock(block, { nowMs: Number.MAX_SAFE_INTEGER, forCommit: true })
    if (persist) this.store.append(entry)
    this.advance(entry, next)
  }

  private advance(entry: CommittedBlock, next: LedgerState): void {
    const { block, hash } = entry
    const prior = this.state
    this.state = next
    this.lastHash = hash
    this.lastTimeMs = block.header.timeMs
    this.checked.clear()
    // Proposer priorities carry over from the set of the height just committed (proposer-priority.ts).
    const previous = this.validatorsAt(next.height)
    this.setsByHeight.set(next.height + 1, next.validatorSet().scheduledAfter(previous))
    this.setsByHeight.delete(next.height + 1 - HISTORY)
    this.recentHashes.set(hash, next.height)
    for (const [h, height] of this.recentHashes)
      if (height <= next.height - HISTORY) this.recentHashes.delete(h)
    this.onExecuted?.(prior, entry)
  }
}
