/**
 * The Exchange view in Chromium, over two real daemons on loopback (issue 19): place and cancel an order,
 * fill it from a second node, see the trade in both histories.
 *
 * A owns the devnet (its only validator, with the stake and the money), shares its memory and registers
 * it as an asset, all through the API. B joins A's network; in B's UI a wallet is made (the Wallet view's
 * own flow, as a person makes one; its wrong turns are wallet-browser's), and its first account is funded
 * from B's node account. In B's Exchange view a memory buy, signed by the wallet account, is previewed
 * (nothing fills, it rests), placed, seen pending then open, and cancelled. A second buy is placed there;
 * A sells into it through its API; B's view shows the order filled and the trade, and the fill is in the
 * History card of B's wallet account and, in A's UI, of A's own account.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultSharing } from '../app/assets/sharing/defaults'
import { formatCaesar } from '../shared/api'
import { ensureBuilt, waitFor, type Daemon } from '../test/support/daemon'
import { launchChromium } from './support/chromium'
import { chainOf, startNetwork } from './support/network'

const SHOTS = join(import.meta.dirname, '..', 'test-results')
const PASS = 'exchange in the browser passphrase'
/** What B's node account gets from A, and what it moves on to the wallet account: 20 and 10 CAESAR. */
const TO_NODE = '20000000'
const TO_WALLET = '10000000'
/** The buys' limit: 0.0001 CAESAR (100 units) per GiB-hour. */
const PRICE = '0.0001'
const PRICE_UNITS = '100'

/** A page of its own (its own profile) on `node`'s UI, at `view` (reached through the view switch). */
async function openView(
  browser: Browser,
  node: Daemon,
  view: 'Wallet' | 'Exchange',
  errors: string[],
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1400 } })
  const page = await context.newPage()
  page.on('pageerror', (err) => errors.push(String(err)))
  await page.goto(node.uiUrl)
  await showView(page, view)
  return { context, page }
}

async function showView(page: Page, view: 'Wallet' | 'Exchange'): Promise<void> {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: view }).click()
  expect(new URL(page.url()).hash).toBe(`#/${view.toLowerCase()}`)
}

/**
 * The states an order's badge shows, in order, from now until it shows `last` (or the time is up): read
 * every 50 ms while `during` runs and after, so that a state shown for a moment is seen too.
 */
async function statesUntil(
  row: Locator,
  last: string,
  during: Promise<unknown>,
  timeoutMs = 60_000,
): Promise<string[]> {
  const seen: string[] = []
  const deadline = Date.now() + timeoutMs
  let done = false
  const end = (): void => {
    done = true
  }
  // Its failure is thrown below, by the await.
  during.then(end, end)
  while (Date.now() < deadline) {
    const state = (await row.count()) === 0 ? null : await row.locator('.badge').first().textContent()
    if (state != null && seen.at(-1) !== state) seen.push(state)
    if (done && state === last) break
    await new Promise((r) => setTimeout(r, 50))
  }
  await during
  return seen
}

describe('the exchange in Chromium', () => {
  const base = mkdtempSync(join(tmpdir(), 'hm-e2e-exchange-'))
  const pageErrors: string[] = []
  let a: Daemon
  let b: Daemon
  let browser: Browser
  let onB: { context: BrowserContext; page: Page }
  /** B's wallet account (the buyer), and A's node account (the seller). */
  let buyer = ''
  let seller = ''
  let unit = ''
  let fee = ''

  beforeAll(async () => {
    ensureBuilt({ ui: true })
    mkdirSync(SHOTS, { recursive: true })
    ;[a, b] = (await startNetwork(base, ['a', 'b'])) as [Daemon, Daemon]
    browser = await launchChromium()
    const chain = await chainOf(a)
    seller = chain.self.address
    fee = chain.minFee
    await a.call('sharing.update', {
      resource: 'memory',
      settings: { ...defaultSharing('memory'), enabled: true, privacy: 'FullPublic', allocationPercent: 10 },
    })
    await a.call('assets.register', { resource: 'memory' })
    await waitFor('B to follow A’s chain', async () => (await chainOf(b)).chainId === chain.chainId, 60_000)
    await a.call('chain.transfer', { to: (await chainOf(b)).self.address, amount: TO_NODE })
    await waitFor(
      'A’s memory asset to be registered',
      async () =>
        (await a.call('exchange.preview', { market: 'memory', side: 'sell', price: '1', quantity: '1' }))
          .problems.length === 0,
      60_000,
    )
    unit = (await a.call('exchange.markets', {})).find((m) => m.market === 'memory')!.unit
  }, 240_000)

  afterAll(async () => {
    await browser?.close()
    await Promise.all([a?.stop(), b?.stop()])
    rmSync(base, { recursive: true, force: true })
  })

  it('makes a wallet in B’s Wallet view and funds its first account from B’s node account', async () => {
    onB = await openView(browser, b, 'Wallet', pageErrors)
    const { page } = onB
    // Made as a person makes one, through the view (its refusals are wallet-browser's to check).
    const form = page.getByRole('form', { name: 'Create a wallet' })
    await form.getByLabel('Passphrase', { exact: true }).fill(PASS)
    await form.getByLabel('Passphrase again').fill(PASS)
    await form.getByRole('button', { name: 'Create wallet' }).click()
    const shown = page.getByTestId('recovery-words')
    await shown.waitFor({ timeout: 30_000 })
    const words = await shown.locator('.recovery-word').allTextContents()
    expect(words).toHaveLength(24)
    const card = page.getByTestId('wallet-words-card')
    await card.getByLabel('I have written down all 24 words, in order.').check()
    await card.getByRole('button', { name: 'Continue' }).click()
    const confirm = page.getByRole('form', { name: 'Confirm your recovery words' })
    for (const label of await confirm.locator('label').allTextContents()) {
      const position = Number(label.replace('Word ', ''))
      await confirm.getByLabel(label, { exact: true }).fill(words[position - 1]!)
    }
    await confirm.getByRole('button', { name: 'Confirm and finish' }).click()
    await page.getByTestId('wallet-overview').waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('wallet-state').textContent()).toBe('Unlocked')
    buyer = (await b.call('wallet.status', {})).accounts[0]!.address
    expect(await page.getByTestId('wallet-address').first().textContent()).toBe(buyer)

    // B's node account holds what A sent it (less the fees of what B's node signs itself, such as its peer
    // binding); it moves half on to the wallet's first account.
    await waitFor(
      'B’s node account to be funded',
      async () => BigInt((await chainOf(b)).self.balance) > BigInt(TO_WALLET),
      60_000,
    )
    await b.call('chain.transfer', { to: buyer, amount: TO_WALLET })
    await expect
      .poll(() => page.getByTestId('wallet-balance').first().textContent(), { timeout: 60_000 })
      .toBe(`${formatCaesar(TO_WALLET)} CAESAR`)
    expect(pageErrors).toEqual([])
  }, 120_000)

  it('previews a memory buy that rests, places it (pending, then open) and cancels it', async () => {
    const { page } = onB
    await showView(page, 'Exchange')
    await page
      .getByRole('tablist', { name: 'Markets' })
      .getByRole('tab', { name: /^Memory/ })
      .click()
    await expect.poll(() => page.getByTestId('market-tab-memory').getAttribute('aria-selected')).toBe('true')
    const form = page.getByRole('form', { name: 'Place an order' })
    expect(await page.getByTestId('order-form').getByRole('heading').first().textContent()).toContain(
      'Memory',
    )
    // The wallet's account, once the view has read the wallet (and its balance).
    const from = form.getByLabel('Pay from / sign with')
    await expect
      .poll(() => from.locator(`option[value="${buyer}"]`).textContent(), { timeout: 30_000 })
      .toContain(`${formatCaesar(TO_WALLET)} CAESAR`)
    await from.selectOption(buyer)
    expect(await form.getByRole('radio', { name: 'Buy' }).isChecked()).toBe(true)
    await form.getByLabel(/^Price/).fill(PRICE)
    await form.getByLabel(/^Quantity/).fill('3')

    // Nothing sells memory yet: nothing fills, all 3 rest, and 3 × 0.0001 CAESAR is held.
    const expected = await b.call('exchange.preview', {
      market: 'memory',
      side: 'buy',
      price: PRICE_UNITS,
      quantity: '3',
      from: buyer,
    })
    expect(expected).toMatchObject({ fillsNow: '0', rests: '3', holds: '300', problems: [] })
    const preview = page.getByTestId('order-preview')
    await expect
      .poll(() => preview.textContent(), { timeout: 30_000 })
      .toBe(
        `Nothing fills now, 3 ${unit}s rest on the book, holds 0.0003 CAESAR, fee ${formatCaesar(fee)} CAESAR, ` +
          `balance after ${formatCaesar(expected.balanceAfter!)} CAESAR.`,
      )
    const place = form.getByRole('button', { name: 'Place buy order' })
    await expect.poll(() => place.isDisabled()).toBe(false)
    await page.screenshot({ path: join(SHOTS, 'exchange-preview.png'), fullPage: true })

    const row = page.getByTestId('my-order')
    const states = await statesUntil(row, 'open', place.click())
    expect(states).toEqual(['pending', 'open'])
    expect(await page.getByTestId('order-placed').textContent()).toContain('is pending')
    const orderId = (await page.getByTestId('order-placed').locator('code').getAttribute('title'))!
    const mine = await b.call('exchange.mine', {})
    expect(mine.orders).toMatchObject([
      { orderId, account: buyer, side: 'buy', price: PRICE_UNITS, quantity: '3', state: 'open' },
    ])
    const cells = await row.locator('td').allTextContents()
    expect(cells.slice(0, 6)).toEqual([
      'Memory',
      'buy',
      `${PRICE} CAESAR/${unit}`,
      `0 of 3 ${unit}s`,
      'open',
      'wallet account 1',
    ])
    // The book shows it as the best bid.
    await expect
      .poll(() => page.getByTestId('market-tab-memory').textContent(), { timeout: 30_000 })
      .toContain(`bid ${PRICE}`)

    const cancel = row.getByRole('button', {
      name: `Cancel order ${orderId.slice(0, 8)}…${orderId.slice(-6)}`,
    })
    await cancel.click()
    await expect.poll(() => row.locator('.badge').textContent(), { timeout: 60_000 }).toBe('cancelled')
    expect(await row.getByRole('button').count()).toBe(0)
    expect((await b.call('exchange.mine', {})).orders[0]).toMatchObject({ orderId, state: 'cancelled' })
    await page.screenshot({ path: join(SHOTS, 'exchange-cancelled.png'), fullPage: true })
    expect(pageErrors).toEqual([])
  }, 120_000)

  it('fills a second buy from A’s sell: filled in B’s orders, the trade in its trades', async () => {
    const { page } = onB
    const form = page.getByRole('form', { name: 'Place an order' })
    await form.getByLabel(/^Quantity/).fill('2')
    await expect
      .poll(() => page.getByTestId('order-preview').textContent(), { timeout: 30_000 })
      .toMatch(new RegExp(`^Nothing fills now, 2 ${unit}s rest on the book, holds 0.0002 CAESAR`))
    const place = form.getByRole('button', { name: 'Place buy order' })
    await expect.poll(() => place.isDisabled()).toBe(false)
    await place.click()
    const row = page.getByTestId('my-order').filter({ hasNotText: 'cancelled' })
    await expect.poll(() => row.locator('.badge').textContent(), { timeout: 60_000 }).toBe('open')

    // From the second node: A sells 2 at the bid's price, through its API.
    const sold = await a.call('exchange.place', {
      market: 'memory',
      side: 'sell',
      price: PRICE_UNITS,
      quantity: '2',
    })
    await expect.poll(() => row.locator('.badge').textContent(), { timeout: 60_000 }).toBe('filled')
    expect((await row.locator('td').allTextContents())[3]).toBe(`2 of 2 ${unit}s`)
    expect(await row.getByRole('button').count()).toBe(0)

    const trade = page.getByTestId('my-trade')
    await expect.poll(() => trade.count(), { timeout: 30_000 }).toBe(1)
    expect((await trade.locator('td').allTextContents()).slice(0, 6)).toEqual([
      'Memory',
      'bought',
      `${PRICE} CAESAR/${unit}`,
      `2 ${unit}s`,
      '0.0002 CAESAR',
      'open escrow',
    ])
    const [mine, theirs] = await Promise.all([b.call('exchange.mine', {}), a.call('exchange.mine', {})])
    expect(mine.trades).toMatchObject([{ buyer, seller, price: PRICE_UNITS, quantity: '2', status: 'open' }])
    expect(theirs.orders.find((o) => o.orderId === sold.orderId)).toMatchObject({ state: 'filled' })
    expect(theirs.trades.map((t) => t.fillId)).toEqual(mine.trades.map((t) => t.fillId))
    await page.screenshot({ path: join(SHOTS, 'exchange-filled.png'), fullPage: true })
    expect(pageErrors).toEqual([])
  }, 120_000)

  it('shows the fill in the History card of B’s wallet account and of A’s own account', async () => {
    const short = (address: string) => `${address.slice(0, 8)}…${address.slice(-6)}`
    /** The Fill rows of the card's account, Trades only, as [kind, counterparty, balance] (committed). */
    const fills = async (page: Page): Promise<string[][]> => {
      const rows = page.getByTestId('wallet-history').getByTestId('history-entry')
      const all = await Promise.all(
        (await rows.all()).map(async (r) => (await r.locator('td').allTextContents()).slice(2, 5)),
      )
      return all.filter(([kind]) => kind === 'Trade filled')
    }

    // B: the wallet's account (the card showed the node's own before the wallet was made).
    const { page } = onB
    await showView(page, 'Wallet')
    const history = page.getByTestId('wallet-history')
    await history.getByLabel('Account').selectOption(buyer)
    await history.getByRole('group', { name: 'Show only' }).getByRole('button', { name: 'Trades' }).click()
    await expect
      .poll(() => fills(page), { timeout: 30_000 })
      .toEqual([['Trade filled', short(seller), '0 CAESAR']])
    const kinds = await history.getByTestId('history-entry').locator('td:nth-child(3)').allTextContents()
    expect(kinds).toContain('Buy order')
    expect(kinds).toContain('Order cancelled')
    await history.screenshot({ path: join(SHOTS, 'exchange-history-buyer.png') })

    // A: no wallet, and its Wallet view still shows its own account's history.
    const onA = await openView(browser, a, 'Wallet', pageErrors)
    const theirs = onA.page.getByTestId('wallet-history')
    const account = theirs.getByLabel('Account')
    await expect
      .poll(() => account.locator(`option[value="${seller}"]`).textContent(), { timeout: 30_000 })
      .toBe(`This node · ${seller.slice(0, 8)}…`)
    await account.selectOption(seller)
    await theirs.getByRole('group', { name: 'Show only' }).getByRole('button', { name: 'Trades' }).click()
    await expect
      .poll(() => fills(onA.page), { timeout: 30_000 })
      .toEqual([['Trade filled', short(buyer), '0 CAESAR']])
    // A's sell order has its row too, although A proposes every block and its fee came back to it.
    const sellerKinds = await theirs.getByTestId('history-entry').locator('td:nth-child(3)').allTextContents()
    expect(sellerKinds).toContain('Sell order')
    await onA.page.screenshot({ path: join(SHOTS, 'exchange-history-seller.png'), fullPage: true })
    // The same, as A's API tells it.
    const entries = (await a.call('chain.history', { account: seller, categories: ['trades'] })).entries
    expect(entries.filter((e) => e.kind === 'fill').map((e) => e.counterparty)).toEqual([buyer])
    expect(pageErrors).toEqual([])
    await onA.context.close()
    await onB.context.close()
  }, 120_000)
})
