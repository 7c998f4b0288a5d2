/**
 * The node's ledger: one network's chain, opened from its genesis, replayed from SQLite, run by the
 * consensus driver over libp2p, and described to the API. A node is a validator when the ledger lists its
 * FALCON key; otherwise it follows the chain as an observer, verifying every block it receives.
 */
import type { DatabaseSync } from 'node:sqlite'
import type { Libp2p } from '@libp2p/interface'
import type { Logger } from 'pino'
import type {
  AccountSummary,
  BlockCheck,
  BlockSummary,
  ChainStatus,
  TransferRequest,
  ValidatorSummary,
} from '../../../shared/api'
import { assetRegistrationBody, type AssetRegistration } from '../asset-registration'
import { Chain, type CommittedBlock } from '../chain'
import type { AssetRecord } from '../state'
import { ConsensusDriver, type Clock, type ValidatorIdentity } from '../driver'
import { LedgerRejection, LedgerRequestError } from '../errors'
import { falcon1024Scheme, LEDGER_SCHEMES } from '../signature-scheme'
import { addressOf, parseTx, signTx, txId, type SignedTx, type TxBody, type TxKindBody } from '../tx'
import { ZodError } from 'zod'
import { toBase64 } from '../codec'
import type { GenesisDocument } from '../genesis'
import { genesisTimeMs } from '../genesis'
import { SqliteBlockStore, SqliteSigningGuard } from './block-store'
import { Libp2pConsensusTransport } from './consensus-transport'
import { OwnTransactions, type OwnTxRecord } from './own-txs'
import { followChainHistory, historyPage } from '../history/chain-history'
import type { AccountHistoryStore } from '../history/history-store'
import type { HistoryPage, HistoryQuery } from '../../../shared/history-schemas'
import { loadOrCreatePlot } from './plot-file'
import { PreverifiedInbox } from './preverified-inbox'
import { TxSignaturePool, type TxVerifierThreads } from './signature-pool'
import { WorkerTimeProofs } from './time-proof-worker'

export interface LedgerParts {
  db: DatabaseSync
  dataDir: string
  falcon: { publicKey: Uint8Array; secretKey: Uint8Array }
  peerId: string
  log: Logger
  libp2p: Libp2p
  members(): string[]
  isMember(peer: string): boolean
  listenAddresses(): string[]
  onBlock(block: BlockSummary): void
  /**
   * The node's signature workers, shared with the transport's handshakes so that the node's threads stay
   * within one pool; the node stops them, not the ledger. Null: transactions are verified inline.
   */
  signatureWorkers: TxVerifierThreads | null
}

/** The system clock; a timer callback that throws is logged, never allowed to take the node down. */
function systemClock(log: Logger): Clock {
  return {
    now: () => Date.now(),
    setTimer(ms, fn) {
      const timer = setTimeout(() => {
        try {
          fn()
        } catch (err) {
          log.error({ err }, 'consensus step failed')
        }
      }, ms)
      return () => clearTimeout(timer)
    },
  }
}

export class Ledger {
  private constructor(
    readonly chain: Chain,
    readonly driver: ConsensusDriver,
    private readonly store: SqliteBlockStore,
    private readonly transport: Libp2pConsensusTransport,
    private readonly address: string,
    private readonly parts: LedgerParts,
    private readonly timeProofs: WorkerTimeProofs | null,
    private readonly signatures: TxSignaturePool | null,
    /** This node's own transactions until the chain settles them (own-txs.ts). */
    private readonly own: OwnTransactions,
    /** Every account's history, indexed as blocks are executed (history/). */
    private readonly historyStore: AccountHistoryStore,
  ) {}

  private inbox: PreverifiedInbox | null = null
  /** Whether this service signs (the node was a validator when it opened the chain). */
  private signing = false
  private roleChanged: (() => void) | null = null

  /**
   * Opens the chain of `genesis` (which must have a consensus section) and starts taking part.
   * Throws LedgerRejection or LedgerStoreError, with the height, when the stored chain does not replay.
   */
  static async start(
    networkId: string,
    genesis: GenesisDocument,
    parts: LedgerParts,
    /** Called once when a committed block makes this node a validator, or ends that: reopen to (stop) sign. */
    roleChanged: () => void = () => {},
  ): Promise<Ledger> {
    const consensus = genesis.consensus
    if (consensus == null) throw new Error('this network has no ledger')
    const scheme = LEDGER_SCHEMES[consensus.params.scheme]
    if (scheme !== falcon1024Scheme)
      throw new Error(`this node signs with FALCON-1024; the network uses ${consensus.params.scheme}`)
    const store = new SqliteBlockStore(parts.db, networkId)
    const chain = new Chain(networkId, consensus, scheme, store, genesisTimeMs(genesis))
    const history = followChainHistory(chain, parts.db, networkId, parts.log)
    const started = Date.now()
    chain.replay({ verifyProofs: false })
    // A block store rebuilt shorter than the history index: what it indexed above the tip is gone.
    if (history.indexedHeight() > chain.height) history.truncateAbove(chain.height)
    parts.log.info({ height: chain.height, ms: Date.now() - started }, 'ledger replayed from the block store')
    const address = addressOf(scheme, parts.falcon.publicKey)
    const timeProofs = chain.state.validators.has(address) ? WorkerTimeProofs.start(parts.log) : null
    const identity = chain.state.validators.has(address)
      ? validatorIdentity(networkId, address, parts, consensus.params, timeProofs)
      : null
    const transport = new Libp2pConsensusTransport({
      libp2p: parts.libp2p,
      log: parts.log,
      members: parts.members,
      isMember: parts.isMember,
    })
    const signatures =
      parts.signatureWorkers == null
        ? null
        : TxSignaturePool.over(parts.signatureWorkers, consensus.params.scheme, chain.cache)
    const clock = systemClock(parts.log)
    let service: Ledger | null = null
    const driver = new ConsensusDriver(chain, identity, clock, transport, {
      committed: (entry) => service?.announce(entry),
      // Counted per peer and logged in bounded lines; a peer refused too often is disconnected.
      refused: (what, reason, peer) => transport.refused(peer ?? null, what, reason),
    })
    const own = new OwnTransactions({ db: parts.db, networkId, params: consensus.params, log: parts.log })
    service = new Ledger(
      chain,
      driver,
      store,
      transport,
      address,
      parts,
      timeProofs,
      signatures,
      own,
      history,
    )
    service.signing = identity != null
    service.roleChanged = roleChanged
    const inbox = new PreverifiedInbox(
      signatures,
      (from, message) => driver.receive(from, message),
      parts.log,
      {
        worthVerifying: (from, message) => driver.worthVerifying(from, message),
      },
    )
    service.inbox = inbox
    await transport.start((from, message) => inbox.push(from, message))
    driver.start()
    service.resubmitOwn()
    parts.log.info(
      { role: identity == null ? 'observer' : 'validator', address, height: chain.height },
      'ledger started',
    )
    return service
  }

  async stop(): Promise<void> {
    this.inbox?.close()
    this.driver.stop()
    await this.transport.stop()
    await this.timeProofs?.stop()
    await this.signatures?.stop()
  }

  status(): ChainStatus {
    const { chain } = this
    const validators = chain.validatorsAt(chain.height + 1)
    return {
      available: true,
      chainId: chain.chainId,
      height: chain.height,
      lastBlockHash: chain.lastHash,
      lastBlockTimeMs: chain.lastTimeMs,
      role: validators.powerOf(this.address) > 0n ? 'validator' : 'observer',
      self: this.account(this.address),
      validators: validators.size,
      scheme: chain.params.scheme,
      minFee: chain.params.minFee,
      minValidatorStake: chain.params.minValidatorStake,
      blockIntervalMs: chain.params.blockIntervalMs,
      pendingTxs: this.driver.mempool.size,
      ownTxs: this.own.summaries(),
    }
  }

  blocks(limit: number, beforeHeight?: number): BlockSummary[] {
    const top = Math.min(this.chain.height, (beforeHeight ?? Infinity) - 1)
    return this.store.recent(top, limit).map(summarize)
  }

  validators(): ValidatorSummary[] {
    const set = this.chain.validatorsAt(this.chain.height + 1)
    return [...set.members]
      .sort((a, b) => (b.power > a.power ? 1 : b.power < a.power ? -1 : 0))
      .map(({ record, power }) => ({
        address: record.address,
        peerId: record.peerId,
        stake: power.toString(),
        share: set.total === 0n ? 0 : Number((power * 1_000_000n) / set.total) / 1_000_000,
        jailed: record.jailed,
        isSelf: record.address === this.address,
      }))
  }

  account(address: string): AccountSummary {
    const account = this.chain.state.account(address)
    return {
      address,
      balance: (account?.balance ?? 0n).toString(),
      bonded: (account?.bonded ?? 0n).toString(),
      nonce: account?.nonce ?? 0,
      ...(this.chain.state.payoutTo.has(address) ? { payoutTo: this.chain.state.payoutTo.get(address) } : {}),
    }
  }

  /** Signs a transfer from this node's account and submits it; a refusal says what to change. */
  transfer(request: TransferRequest): { txId: string; nonce: number; status: 'pending' } {
    if (request.to === this.address)
      throw new LedgerRequestError('bad-request', 'that is this node’s own address')
    // Balance and fee are checked where every transaction is: the pool executes it on a scratch state.
    return this.signAndSubmit({ kind: 'transfer', to: request.to, amount: request.amount }, request.fee)
  }

  /** Joins the validator set with this node's peer id and the commitment of the plot it holds. */
  joinValidators(fee?: string): { txId: string; nonce: number; status: 'pending' } {
    const { plot } = this.ownPlot()
    return this.signAndSubmit(
      { kind: 'validator-join', peerId: this.parts.peerId, space: plot.commitment },
      fee,
    )
  }

  /**
   * Registers one of this node's assets on the ledger, with a ConsensusProof over its record (about a
   * quarter of a second at the default parameters, most of it the VDF).
   */
  registerAsset(asset: {
    assetId: string
    resource: AssetRegistration['resource']
    capacity: string
    privacy: AssetRegistration['privacy']
  }): { txId: string; nonce: number } {
    const { chain, driver, parts } = this
    const { plot } = this.ownPlot()
    const nonce = driver.mempool.nextNonce(this.address, chain.state)
    let body: AssetRegistration
    try {
      body = assetRegistrationBody({
        ...asset,
        chainId: chain.chainId,
        nonce,
        fee: chain.params.minFee,
        anchor: chain.lastHash,
        plot,
        signer: { scheme: falcon1024Scheme, address: this.address, ...parts.falcon },
        location: {
          peerId: parts.peerId,
          addrs: parts
            .listenAddresses()
            .filter((a) => a.length <= 256)
            .slice(0, 16),
        },
        params: chain.params.proofs,
      })
    } catch (err) {
      // The plot may have too few labels for this block's challenge; the next block brings another.
      throw new LedgerRequestError('busy', `could not prove the asset now: ${(err as Error).message}`, {
        cause: err,
      })
    }
    return this.submitSigned(signTx(body, falcon1024Scheme, parts.falcon.secretKey))
  }

  /** Assets registered on this ledger, newest first. */
  assets(): AssetRecord[] {
    return [...this.chain.state.assets.values()].sort((a, b) => b.registeredAt - a.registeredAt)
  }

  private ownPlot() {
    const { proofs } = this.chain.params
    return loadOrCreatePlot(this.parts.dataDir, this.parts.falcon.publicKey, {
      leavesLog2: proofs.spaceLeavesLog2,
      iterations: proofs.spaceLabelIterations,
    })
  }

  /**
   * Signs a transaction of this node's account (the envelope: chain, key, next nonce, fee) and submits it
   * to the pool, which refuses it with the reason when it cannot apply.
   */
  signAndSubmit(body: TxKindBody, fee?: string): { txId: string; nonce: number; status: 'pending' } {
    return this.signAndSubmitAs(this.parts.falcon, body, fee)
  }

  /**
   * The same for another account whose keys this node holds for a moment (an unlocked wallet's): its
   * address is that of `account`'s public key, and its next nonce counts what the pool holds from it.
   */
  signAndSubmitAs(
    account: { publicKey: Uint8Array; secretKey: Uint8Array },
    body: TxKindBody,
    fee?: string,
  ): { txId: string; nonce: number; status: 'pending' } {
    const { chain, driver } = this
    const from = addressOf(falcon1024Scheme, account.publicKey)
    const nonce = driver.mempool.nextNonce(from, chain.state)
    const envelope = {
      chainId: chain.chainId,
      from,
      publicKey: toBase64(account.publicKey),
      nonce,
      fee: fee ?? chain.params.minFee,
    }
    let tx: SignedTx
    try {
      tx = signTx({ ...envelope, ...body } as TxBody, falcon1024Scheme, account.secretKey)
    } catch (err) {
      if (err instanceof ZodError)
        throw new LedgerRequestError('bad-request', err.issues[0]?.message ?? 'invalid', { cause: err })
      throw err
    }
    return this.submitSigned(tx)
  }

  /**
   * Submits a transaction this node signed; a LedgerRejection says what to change. Once the pool admits
   * it, it is kept on disk until the chain settles it, and it is pending until then.
   */
  private submitSigned(tx: SignedTx): { txId: string; nonce: number; status: 'pending' } {
    this.driver.submit(tx)
    this.own.record(tx, this.chain.height)
    return { txId: txId(tx), nonce: tx.body.nonce, status: 'pending' }
  }

  /** Every change to one account, this node's pending transactions of it first (history/). */
  history(query: HistoryQuery): HistoryPage {
    return historyPage(this.historyStore, this.own.pending(), query)
  }

  /** This node's account address and libp2p peer id. */
  get identity(): { account: string; peerId: string } {
    return { account: this.address, peerId: this.parts.peerId }
  }

  /** This node's own transactions of `kinds` (signed here or submitted through its API), newest first. */
  ownTxsOf(kinds: readonly TxBody['kind'][]): OwnTxRecord[] {
    return this.own.ofKinds(kinds)
  }

  /** A transaction signed elsewhere, checked exactly as one from a peer, then kept like this node's own. */
  async submit(json: unknown): Promise<{ txId: string; nonce: number; status: 'pending' }> {
    const tx = parseTx(json, this.chain.params)
    await this.signatures?.verifyAll([tx]).catch((err: unknown) => {
      this.parts.log.warn({ err }, 'signature workers failed; verifying on the consensus thread')
    })
    return this.submitSigned(tx)
  }

  /** After a restart: settles this node's transactions the stored chain carries, and submits the rest again. */
  private resubmitOwn(): void {
    this.own.resubmit(
      this.chain.state,
      (height) => this.store.get(height)?.block.txs.map((tx) => txId(tx)) ?? null,
      (tx) => this.driver.submit(tx),
    )
  }

  verifyBlock(height: number): BlockCheck {
    const entry = this.store.get(height)
    if (entry == null)
      throw new LedgerRequestError('not-found', `no block ${height}; the chain is at ${this.chain.height}`)
    const started = performance.now()
    let failure: string | null = null
    try {
      this.chain.verifyStored(entry)
    } catch (err) {
      if (!(err instanceof LedgerRejection)) throw err
      failure = err.message
    }
    return { height, ok: failure == null, failure, ms: performance.now() - started }
  }

  private announce(entry: { block: CommittedBlock['block']; commit: CommittedBlock['commit'] }): void {
    // The tip's hash is the committed block's; no need to read the block back from the store.
    this.parts.onBlock(summarize({ ...entry, hash: this.chain.lastHash }))
    const carried = new Set(entry.block.txs.map((tx) => txId(tx)))
    this.own.afterBlock(entry.block.header.height, carried, this.chain.state, (tx) => this.driver.submit(tx))
    if (this.chain.state.validators.has(this.address) !== this.signing && this.roleChanged != null) {
      const roleChanged = this.roleChanged
      this.roleChanged = null
      this.parts.log.info({ validator: !this.signing }, 'this node’s role changed; reopening the ledger')
      roleChanged()
    }
  }
}

function validatorIdentity(
  networkId: string,
  address: string,
  parts: LedgerParts,
  params: { proofs: { spaceLeavesLog2: number; spaceLabelIterations: number } },
  timeProofs: WorkerTimeProofs | null,
): ValidatorIdentity {
  const { plot, created, replaced } = loadOrCreatePlot(parts.dataDir, parts.falcon.publicKey, {
    leavesLog2: params.proofs.spaceLeavesLog2,
    iterations: params.proofs.spaceLabelIterations,
  })
  if (created) parts.log.info({ replaced, leaves: 2 ** plot.leavesLog2 }, 'generated the PoSpace plot')
  return {
    signer: { scheme: falcon1024Scheme, address, ...parts.falcon },
    plot,
    get location() {
      const addrs = parts.listenAddresses().filter((a) => a.length <= 256)
      return { peerId: parts.peerId, addrs: addrs.slice(0, 16) }
    },
    guard: new SqliteSigningGuard(parts.db, networkId),
    timeProofs: timeProofs ?? undefined,
  }
}

function summarize(entry: CommittedBlock): BlockSummary {
  const { header } = entry.block
  return {
    height: header.height,
    hash: entry.hash,
    timeMs: header.timeMs,
    proposer: header.proposer,
    txCount: entry.block.txs.length,
    evidenceCount: entry.block.evidence.length,
    commitVotes: entry.commit.votes.length,
    proofs: {
      time: { squarings: header.proof.time.squarings },
      space: { challenges: header.proof.space.answers.length, peerId: header.proof.space.location.peerId },
      work: { difficultyBits: header.proof.work.difficultyBits },
      stake: { address: header.proof.stake.address },
    },
  }
}
