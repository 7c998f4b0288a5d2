import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import type { OwnTxSummary, TransferReceipt } from '../../../shared/api'
import { OwnTransactionList, TransferOutcome } from './OwnTransactions'

const sent: TransferReceipt = { txId: 'a'.repeat(64), nonce: 4, status: 'pending' }
const own = (status: OwnTxSummary['status'], extra: Partial<OwnTxSummary> = {}): OwnTxSummary => ({
  txId: sent.txId,
  nonce: 4,
  kind: 'transfer',
  status,
  reason: null,
  height: null,
  submittedAt: 1_760_000_000_000,
  ...extra,
})
const text = (html: string) => html.replace(/<[^>]+>/g, '')

describe('what became of a transfer', () => {
  it('says a submitted transfer is pending until a block commits it, and that a restart submits it again', () => {
    for (const list of [[], [own('pending')]]) {
      const html = text(renderToStaticMarkup(<TransferOutcome sent={sent} own={list} />))
      expect(html).toMatch(/^Pending \(nonce 4\)/)
      expect(html).toMatch(/done only once a block commits it/)
      expect(html).toMatch(/submits it again when it starts/)
    }
  })

  it('says when it was committed, and why it was refused', () => {
    expect(
      text(renderToStaticMarkup(<TransferOutcome sent={sent} own={[own('committed', { height: 12 })]} />)),
    ).toBe('Committed in block 12 (nonce 4): the transfer is done.')
    const refused = renderToStaticMarkup(
      <TransferOutcome sent={sent} own={[own('refused', { reason: 'the transaction needs 5' })]} />,
    )
    expect(refused).toContain('role="alert"')
    expect(text(refused)).toBe('Refused after it was submitted: the transaction needs 5')
  })

  it('lists this node’s transactions with their state', () => {
    const html = text(
      renderToStaticMarkup(
        <OwnTransactionList
          own={[
            own('pending'),
            own('committed', { txId: 'b'.repeat(64), kind: 'stake', height: 3 }),
            own('refused', {
              txId: 'c'.repeat(64),
              reason: 'another transaction of this account used nonce 2',
            }),
          ]}
        />,
      ),
    )
    expect(html).toMatch(/Transfer.*pending/)
    expect(html).toMatch(/Stake.*committed in block 3/)
    expect(html).toMatch(/refused.*another transaction of this account used nonce 2/)
    expect(renderToStaticMarkup(<OwnTransactionList own={[]} />)).toBe('')
  })
})
