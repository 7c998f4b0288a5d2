import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { ZERO_AMOUNTS, type RewardSchedule, type RewardsStatus } from '../../../../shared/api'
import { createApiClient } from '../../../../shared/client'
import { StoreProvider } from '../../store/context'
import { alwaysVisible } from '../../store/polling'
import { createHyperMeshStore } from '../../store/store'
import { createFakeBridge } from '../../testing/fake-bridge'
import { RewardsCard } from './RewardsCard'

/** A network's schedule as the node reports it (these are a default network's figures). */
const SCHEDULE: RewardSchedule = {
  epochBlocks: 600,
  emissionPerEpoch: '100000000000',
  ratePerUnitHour: { cpu: '100000', gpu: '1000000', memory: '20000', storage: '500' },
  multiplierPpm: {
    Private: 0,
    PrivateNetwork: 500_000,
    P2P: 750_000,
    PublicNetwork: 1_000_000,
    FullPublic: 1_250_000,
  },
}

const epoch = (n: number, byResource: Partial<RewardsStatus['accruing']>) => {
  const amounts = { ...ZERO_AMOUNTS, ...byResource }
  const total = Object.values(amounts).reduce((sum, a) => sum + BigInt(a), 0n)
  return {
    epoch: n,
    height: (n + 1) * 600,
    timeMs: 1_760_000_000_000 + n * 600_000,
    byResource: amounts,
    total: String(total),
  }
}

const status: RewardsStatus = {
  enabled: true,
  schedule: SCHEDULE,
  epoch: 3,
  blocksLeftInEpoch: 120,
  blockMs: 1_000,
  lifetime: '35000',
  ratePerHour: 60_000,
  accruing: { ...ZERO_AMOUNTS, memory: '2500' },
  history: [
    epoch(0, { memory: '10000' }),
    epoch(1, { cpu: '5000', storage: '5000' }),
    epoch(2, { memory: '15000' }),
  ],
  receipts: { pending: 1, claimed: 7, refused: 2 },
  lastRefusal: 'the receipt covers time outside the lease',
}

function render(rewards: RewardsStatus | null): string {
  const store = createHyperMeshStore(createApiClient(createFakeBridge()), { visibility: alwaysVisible })
  store.setState({ sharing: { ...store.getState().sharing, rewards } })
  // A server render reads the store's initial state: let that be the state just set.
  const rendered = { ...store, getInitialState: store.getState }
  return renderToStaticMarkup(
    <StoreProvider store={rendered}>
      <RewardsCard />
    </StoreProvider>,
  )
}

describe('the rewards view', () => {
  it('charts each paid epoch by resource, with lifetime, rate, accruing and receipts', () => {
    const html = render(status)
    expect(html.match(/data-testid="earnings-bar"/g)).toHaveLength(3)
    // Epoch 1 stacks two resources; the others one each.
    expect(html.match(/class="bar bar-/g)).toHaveLength(4)
    expect(html).toContain('0.035 CAESAR')
    expect(html).toContain('0.06 CAESAR / hour (last epoch)')
    expect(html).toContain('0.0025 CAESAR accruing (Memory 0.0025)')
    expect(html).toContain('7 claimed · 1 waiting · 2 refused')
    expect(html).toContain('the receipt covers time outside the lease')
    expect(html).toContain('epoch 3 · paid in 2 min')
    // Per resource over the epochs shown: CPU 0.005, GPU 0, memory 0.025, storage 0.005.
    expect(html).toMatch(/<td>0\.005<\/td><td>0<\/td><td>0\.025<\/td><td>0\.005<\/td>/)
  })

  it('says so where the network pays nothing, and before anything is earned', () => {
    expect(render({ ...status, enabled: false })).toContain('This network has no ledger, so nothing is paid.')
    expect(render({ ...status, history: [], lifetime: '0' })).toContain('No earnings yet.')
    expect(render(null)).toContain('Reading rewards…')
  })
})
