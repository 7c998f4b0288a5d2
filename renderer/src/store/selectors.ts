/**
 * Selectors: the only way components read the store. Each returns a value already held in the state
 * (never a fresh object or array), so a component re-renders only when that value changes.
 */
import type { HyperMeshState } from './types'

export const selectConnection = (s: HyperMeshState) => s.connection
export const selectAuthRequired = (s: HyperMeshState) => s.connection === 'auth-required'
export const selectActions = (s: HyperMeshState) => s.actions

export const selectNode = (s: HyperMeshState) => s.node
export const selectNodeReceivedAt = (s: HyperMeshState) => s.nodeReceivedAt
export const selectPeerId = (s: HyperMeshState) => s.node?.peerId ?? null
export const selectListenAddresses = (s: HyperMeshState) => s.node?.listenAddresses

export const selectPeers = (s: HyperMeshState) => s.peers
export const selectPeersLoaded = (s: HyperMeshState) => s.peersLoaded
export const selectPeerCount = (s: HyperMeshState) => s.peers.length

export const selectHardware = (s: HyperMeshState) => s.hardware
export const selectTransport = (s: HyperMeshState) => s.transport

/** The network this node is on: the latest known from a join, an event or a status read. */
export const selectCurrentNetwork = (s: HyperMeshState) => s.network.current ?? s.node?.network ?? null
export const selectIsOwnDevnet = (s: HyperMeshState) => selectCurrentNetwork(s)?.isOwnDevnet ?? true
export const selectInvite = (s: HyperMeshState) => s.network.invite
export const selectLanOffers = (s: HyperMeshState) => s.network.lanOffers
export const selectJoining = (s: HyperMeshState) => s.network.joining
export const selectLeaving = (s: HyperMeshState) => s.network.leaving
export const selectNetworkBusy = (s: HyperMeshState) => s.network.joining || s.network.leaving
export const selectJoinError = (s: HyperMeshState) => s.network.joinError
export const selectJoinSuccess = (s: HyperMeshState) => s.network.joinSuccess

export const selectAreaError = (area: keyof HyperMeshState['errors']) => (s: HyperMeshState) => s.errors[area]

export const selectChainStatus = (s: HyperMeshState) => s.chain.status
export const selectBlocks = (s: HyperMeshState) => s.chain.blocks
export const selectValidators = (s: HyperMeshState) => s.chain.validators
export const selectBlockChecks = (s: HyperMeshState) => s.chain.checks
export const selectTransferring = (s: HyperMeshState) => s.chain.transferring
export const selectTransferError = (s: HyperMeshState) => s.chain.transferError
export const selectLastTransfer = (s: HyperMeshState) => s.chain.lastTransfer

export const selectSharingState = (s: HyperMeshState) => s.sharing.state
export const selectSharingSaving = (s: HyperMeshState) => s.sharing.saving
export const selectSharingErrors = (s: HyperMeshState) => s.sharing.errors
export const selectSharingSaved = (s: HyperMeshState) => s.sharing.saved
export const selectStaking = (s: HyperMeshState) => s.chain.staking
export const selectStakeError = (s: HyperMeshState) => s.chain.stakeError
export const selectLastStake = (s: HyperMeshState) => s.chain.lastStake
export const selectOwnAssets = (s: HyperMeshState) => s.sharing.assets
export const selectDiscovered = (s: HyperMeshState) => s.sharing.discovered
export const selectRegistering = (s: HyperMeshState) => s.sharing.registering
export const selectRegisterResult = (s: HyperMeshState) => s.sharing.registerResult
export const selectRewards = (s: HyperMeshState) => s.sharing.rewards
export const selectStoredFiles = (s: HyperMeshState) => s.sharing.files
export const selectFileTransfer = (s: HyperMeshState) => s.sharing.fileTransfer

export const selectJobExamples = (s: HyperMeshState) => s.jobs.examples
export const selectJobs = (s: HyperMeshState) => s.jobs.list
export const selectJobsLoaded = (s: HyperMeshState) => s.jobs.loaded
export const selectProvidedJobs = (s: HyperMeshState) => s.jobs.provided
export const selectJobSending = (s: HyperMeshState) => s.jobs.sending
export const selectJobsError = (s: HyperMeshState) => s.errors.jobs

export const selectWalletStatus = (s: HyperMeshState) => s.wallet.status
export const selectFreshWallet = (s: HyperMeshState) => s.wallet.fresh
export const selectWalletBusy = (s: HyperMeshState) => s.wallet.busy
export const selectWalletError = (s: HyperMeshState) => s.errors.wallet
/** Whether the node follows a ledger (the wallet's balances are on it). */
export const selectHasLedger = (s: HyperMeshState) => s.chain.status?.available === true

export const selectMarkets = (s: HyperMeshState) => s.exchange.markets
export const selectMarket = (s: HyperMeshState) => s.exchange.market
export const selectBook = (s: HyperMeshState) => s.exchange.book
export const selectMyExchange = (s: HyperMeshState) => s.exchange.mine
export const selectPlacing = (s: HyperMeshState) => s.exchange.placing
export const selectCancelling = (s: HyperMeshState) => s.exchange.cancelling
export const selectDelivering = (s: HyperMeshState) => s.exchange.delivering
export const selectUsingLease = (s: HyperMeshState) => s.exchange.usingLease
export const selectOffering = (s: HyperMeshState) => s.exchange.offering
export const selectExchangeError = (s: HyperMeshState) => s.errors.exchange
export const selectWalletContacts = (s: HyperMeshState) => s.wallet.contacts
export const selectWalletContactsError = (s: HyperMeshState) => s.wallet.contactsError

export const selectHistory = (s: HyperMeshState) => s.history
export const selectHistoryError = (s: HyperMeshState) => s.errors.history
