/**
 * The Wallet view in Chromium, over real daemons (issue 19). On A's page a wallet is made: its 24 words
 * shown once, three of them typed back by position (a wrong one first); its balance follows A's ledger;
 * then it is locked, unlocked with a wrong and then the right passphrase, and its backup downloaded. In a second browser profile on B, the
 * same words typed with one typo (the suggestion fixes it) restore the same first address; then the
 * downloaded backup is imported over that wallet, only once the replace is confirmed, and a second
 * account is added to it. On A's page too: the address to receive, with its QR code; a contact added to
 * the address book, picked to send to, and a transfer reviewed (too much first, with the shortfall) and sent.
 */
import { mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatCaesar } from '../shared/api'
import { ensureBuilt, startDaemon, type Daemon } from '../test/support/daemon'
import { launchChromium } from './support/chromium'

const SHOTS = join(import.meta.dirname, '..', 'test-results')
const PASS = 'correct horse battery staple'
const OTHER_PASS = 'another passphrase of mine'

/** A profile of its own on `daemon`'s UI, at the Wallet view (reached through the view switch). */
async function openWallet(
  browser: Browser,
  daemon: Daemon,
  errors: string[],
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1100 }, acceptDownloads: true })
  const page = await context.newPage()
  page.on('pageerror', (err) => errors.push(String(err)))
  await page.goto(daemon.uiUrl)
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Wallet' }).click()
  expect(new URL(page.url()).hash).toBe('#/wallet')
  return { context, page }
}

describe('the wallet in Chromium', () => {
  const base = mkdtempSync(join(tmpdir(), 'hm-e2e-wallet-'))
  const backupPath = join(base, 'backup.json')
  const pageErrors: string[] = []
  let a: Daemon
  let b: Daemon
  let browser: Browser
  let first: { context: BrowserContext; page: Page }
  let second: { context: BrowserContext; page: Page }
  /** As A's page showed them. */
  let words: string[] = []
  let address = ''

  beforeAll(async () => {
    ensureBuilt({ ui: true })
    mkdirSync(SHOTS, { recursive: true })
    ;[a, b] = await Promise.all([startDaemon(join(base, 'a')), startDaemon(join(base, 'b'))])
    browser = await launchChromium()
  }, 300_000)

  afterAll(async () => {
    await browser?.close()
    await Promise.all([a?.stop(), b?.stop()])
    rmSync(base, { recursive: true, force: true })
  })

  it('makes a wallet: its 24 words shown once, three typed back by position, then the wallet', async () => {
    first = await openWallet(browser, a, pageErrors)
    const { page } = first
    await page.getByRole('heading', { name: 'A wallet of your own' }).waitFor()
    const form = page.getByRole('form', { name: 'Create a wallet' })
    await form.getByLabel('Passphrase', { exact: true }).fill(PASS)
    await form.getByLabel('Passphrase again').fill(PASS.slice(0, -1))
    expect(await form.getByText('The two passphrases differ.').count()).toBeGreaterThan(0)
    expect(await form.getByRole('button', { name: 'Create wallet' }).isDisabled()).toBe(true)
    await form.getByLabel('Passphrase again').fill(PASS)
    expect(await form.getByTestId('strength').textContent()).toContain('Strong.')
    await page.screenshot({ path: join(SHOTS, 'wallet-create.png'), fullPage: true })
    await form.getByRole('button', { name: 'Create wallet' }).click()

    const shown = page.getByTestId('recovery-words')
    await shown.waitFor({ timeout: 30_000 })
    words = await shown.locator('.recovery-word').allTextContents()
    expect(words).toHaveLength(24)
    expect(await a.call('wallet.checkWords', { words: words.join(' ') })).toEqual({ problem: null })
    await page.screenshot({ path: join(SHOTS, 'wallet-words.png'), fullPage: true })

    const card = page.getByTestId('wallet-words-card')
    expect(await card.getByRole('button', { name: 'Continue' }).isDisabled()).toBe(true)
    await card.getByLabel('I have written down all 24 words, in order.').check()
    await card.getByRole('button', { name: 'Continue' }).click()
    const confirm = page.getByRole('form', { name: 'Confirm your recovery words' })
    const positions = (await confirm.locator('label').allTextContents()).map((l) =>
      Number(l.replace('Word ', '')),
    )
    expect(positions).toHaveLength(3)
    const answer = (p: number) => words[p - 1]!

    // A wrong word is named by its position, and the words stay.
    await confirm.getByLabel(`Word ${positions[0]}`, { exact: true }).fill(answer(positions[1]!))
    await confirm.getByLabel(`Word ${positions[1]}`, { exact: true }).fill(answer(positions[1]!))
    await confirm.getByLabel(`Word ${positions[2]}`, { exact: true }).fill(answer(positions[2]!))
    await confirm.getByRole('button', { name: 'Confirm and finish' }).click()
    expect(await page.getByTestId('confirm-error').textContent()).toBe(
      `Not confirmed: word ${positions[0]} does not match; look again at what you wrote down`,
    )
    await page.screenshot({ path: join(SHOTS, 'wallet-confirm.png'), fullPage: true })
    await confirm
      .getByLabel(`Word ${positions[0]}`, { exact: true })
      .fill(answer(positions[0]!).toUpperCase())
    await confirm.getByRole('button', { name: 'Confirm and finish' }).click()

    await page.getByTestId('wallet-overview').waitFor()
    expect(await page.getByTestId('wallet-state').textContent()).toBe('Unlocked')
    expect(await page.getByTestId('recovery-words').count()).toBe(0)
    const status = await a.call('wallet.status', {})
    expect(status).toMatchObject({ exists: true, locked: false })
    address = status.accounts[0]!.address
    expect(await page.getByTestId('wallet-address').first().textContent()).toBe(address)
    expect(JSON.stringify(pageErrors)).toBe('[]')
    await page.screenshot({ path: join(SHOTS, 'wallet-unlocked.png'), fullPage: true })
  }, 120_000)

  it('shows what the ledger holds for the account: 0 at first, then what is sent to it', async () => {
    const { page } = first
    const balance = page.getByTestId('wallet-balance').first()
    await expect.poll(() => balance.textContent(), { timeout: 30_000 }).toBe('0 CAESAR')
    await a.call('chain.transfer', { to: address, amount: '12500000' })
    await expect.poll(() => balance.textContent(), { timeout: 60_000 }).toBe('12.5 CAESAR')
    expect(await page.getByTestId('wallet-total').textContent()).toBe('12.5 CAESAR')
  }, 90_000)

  it('locks, says in words why a wrong passphrase did not unlock it, and unlocks with the right one', async () => {
    const { page } = first
    await page.getByRole('button', { name: 'Lock', exact: true }).click()
    await expect.poll(() => page.getByTestId('wallet-state').textContent()).toBe('Locked')
    expect((await a.call('wallet.status', {})).locked).toBe(true)
    expect(await page.getByTestId('wallet-address').first().textContent()).toBe(address)

    const unlock = page.getByRole('form', { name: 'Unlock the wallet' })
    await unlock.getByLabel('Passphrase').fill('not my passphrase')
    await unlock.getByRole('button', { name: 'Unlock', exact: true }).click()
    await expect
      .poll(() => page.getByTestId('unlock-error').textContent(), { timeout: 30_000 })
      .toBe('Not unlocked: wrong passphrase, or the wallet file was altered')
    expect(await page.getByTestId('wallet-state').textContent()).toBe('Locked')
    await page.screenshot({ path: join(SHOTS, 'wallet-locked-wrong-passphrase.png'), fullPage: true })

    await unlock.getByLabel('Passphrase').fill(PASS)
    await unlock.getByRole('button', { name: 'Unlock', exact: true }).click()
    await expect
      .poll(() => page.getByTestId('wallet-state').textContent(), { timeout: 30_000 })
      .toBe('Unlocked')
    expect((await a.call('wallet.status', {})).locked).toBe(false)
  }, 120_000)

  it('shows the address to receive with its QR code, and sends to a contact after a review', async () => {
    const { page } = first
    const receive = page.getByTestId('wallet-receive')
    expect(await receive.getByTestId('receive-address').textContent()).toBe(address)
    const qr = receive.getByRole('img', { name: 'QR code of the address of account 1' })
    expect(await qr.isVisible()).toBe(true)
    expect((await qr.boundingBox())?.width).toBeGreaterThanOrEqual(150)

    // The node's own account, kept as a contact: a mistyped address is named before the node is asked.
    const chain = await a.call('chain.status', {})
    if (!chain.available) throw new Error(chain.reason)
    const to = chain.self.address
    const book = page.getByTestId('wallet-contacts')
    const add = book.getByRole('form', { name: 'Add a contact' })
    await add.getByLabel('Name', { exact: true }).fill('My node')
    await add.getByLabel('Address', { exact: true }).fill(`${to.slice(1)}g`)
    await add.getByRole('button', { name: 'Add contact' }).click()
    expect(await add.getByTestId('contact-problem').textContent()).toBe(
      'An address has only the characters 0–9 and a–f.',
    )
    await add.getByLabel('Address', { exact: true }).fill(to)
    await add.getByRole('button', { name: 'Add contact' }).click()
    await book.getByRole('button', { name: 'Send to My node' }).click()
    expect(await a.call('wallet.contacts', {})).toEqual([{ name: 'My node', address: to }])

    const send = page.getByRole('form', { name: 'Send from the wallet' })
    expect(await send.getByLabel('To', { exact: true }).inputValue()).toBe(to)
    const amount = send.getByLabel('Amount (CAESAR)')
    await amount.fill('1.2345678')
    await send.getByRole('button', { name: 'Review' }).click()
    expect(await send.getByTestId('send-amount-problem').textContent()).toBe(
      'An amount is a number of CAESAR with at most 6 decimals, such as 12.5.',
    )

    // Too much: the review says by how much, and nothing can be confirmed.
    await amount.fill('20')
    await send.getByRole('button', { name: 'Review' }).click()
    const review = page.getByTestId('send-review')
    await expect.poll(() => review.getByTestId('review-problems').textContent()).toMatch(/short$/)
    expect(await review.getByRole('button', { name: 'Confirm and send' }).isDisabled()).toBe(true)
    await page.screenshot({ path: join(SHOTS, 'wallet-send-short.png'), fullPage: true })
    await review.getByRole('button', { name: 'Edit' }).click()

    await amount.fill('2.5')
    await send.getByRole('button', { name: 'Review' }).click()
    const expected = await a.call('wallet.previewSend', { from: address, to, amount: '2500000' })
    const after = `${formatCaesar(expected.balanceAfter!)} CAESAR`
    await expect.poll(() => review.getByTestId('review-balance-after').textContent()).toBe(after)
    expect(await review.getByTestId('review-fee').textContent()).toBe(`${formatCaesar(expected.fee)} CAESAR`)
    await page.screenshot({ path: join(SHOTS, 'wallet-send-review.png'), fullPage: true })
    await review.getByRole('button', { name: 'Confirm and send' }).click()

    const sent = page.getByTestId('wallet-sent')
    await sent.waitFor({ timeout: 30_000 })
    expect(await sent.getByTestId('wallet-sent-tx').textContent()).toMatch(/^[0-9a-f]{64}$/)
    expect(await sent.textContent()).toContain('Sent 2.5 CAESAR to My node.')
    expect(await sent.textContent()).toContain('pending until a block commits it')
    await page.screenshot({ path: join(SHOTS, 'wallet-sent.png'), fullPage: true })
    const balance = page.getByTestId('wallet-balance').first()
    await expect.poll(() => balance.textContent(), { timeout: 60_000 }).toBe(after)
    expect(pageErrors).toEqual([])
  }, 120_000)

  it('downloads the backup as the file the node names, the wallet file itself', async () => {
    const { page } = first
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export backup' }).click(),
    ])
    expect(download.suggestedFilename()).toBe(`hypermesh-wallet-${address.slice(0, 8)}.json`)
    await download.saveAs(backupPath)
    const saved = readFileSync(backupPath)
    expect(saved.equals(readFileSync(join(a.dataDir, 'wallet.json')))).toBe(true)
    expect(JSON.parse(saved.toString('utf8'))).toMatchObject({ format: 'hypermesh-wallet' })
    expect(await page.getByTestId('backup-saved').textContent()).toContain(download.suggestedFilename())
    await page.screenshot({ path: join(SHOTS, 'wallet-backup-saved.png'), fullPage: true })
  }, 60_000)

  it('restores the same words on a second node, in a second profile, after its suggestion fixes a typo', async () => {
    second = await openWallet(browser, b, pageErrors)
    const { page } = second
    await page.getByRole('button', { name: /Restore from recovery words/ }).click()
    const form = page.getByRole('form', { name: 'Restore from recovery words' })
    const box = form.getByLabel('Recovery words')

    // Typed as a person types: the count follows, and the node checks the words once all are there.
    const typo = `${words[2]}q`
    const typed = [...words.slice(0, 2), typo, ...words.slice(3)]
    await box.pressSequentially(`${typed.slice(0, 12).join(' ')} `)
    await expect.poll(() => form.getByTestId('words-count').textContent()).toBe('12 of 24 words.')
    await box.pressSequentially(typed.slice(12).join(' '))
    const problem = form.getByTestId('words-problem')
    await expect
      .poll(() => problem.textContent(), { timeout: 30_000 })
      .toMatch(new RegExp(`^word 3, “${typo}”, is not a recovery word; did you mean .*“${words[2]}”`))
    await page.screenshot({ path: join(SHOTS, 'wallet-restore-typo.png'), fullPage: true })
    await form.getByRole('button', { name: `Use “${words[2]}” as word 3` }).click()
    expect(await box.inputValue()).toBe(words.join(' '))
    await form.getByTestId('words-ok').waitFor({ timeout: 30_000 })

    await form.getByLabel('New passphrase', { exact: true }).fill(OTHER_PASS)
    await form.getByLabel('New passphrase again').fill(OTHER_PASS)
    await form.getByRole('button', { name: 'Restore wallet' }).click()
    await page.getByTestId('wallet-overview').waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('wallet-address').first().textContent()).toBe(address)
    expect((await b.call('wallet.status', {})).accounts[0]!.address).toBe(address)
    await page.screenshot({ path: join(SHOTS, 'wallet-restored.png'), fullPage: true })
  }, 120_000)

  it('imports the downloaded backup over that wallet only once the replace is confirmed', async () => {
    const { page } = second
    const manage = page.getByTestId('wallet-manage')
    await manage.getByText('Import a backup file').click()
    const form = page.getByRole('form', { name: 'Import a backup file' })
    await form.getByLabel('Backup file').setInputFiles(backupPath)
    await form.getByLabel('The backup’s passphrase').fill(OTHER_PASS)
    const submit = form.getByRole('button', { name: 'Import in its place' })
    expect(await submit.isDisabled()).toBe(true)
    expect(await form.getByTestId('wallet-blocker').textContent()).toBe(
      'Confirm that this wallet replaces the one kept now.',
    )
    await form.getByRole('checkbox').check()
    // The restored wallet's passphrase is not the backup's: the node says so, and keeps its file.
    await submit.click()
    await expect
      .poll(() => form.getByTestId('wallet-error').textContent(), { timeout: 30_000 })
      .toBe('The backup was not imported: wrong passphrase, or the wallet file was altered')
    expect(readFileSync(join(b.dataDir, 'wallet.json')).equals(readFileSync(backupPath))).toBe(false)
    await page.screenshot({ path: join(SHOTS, 'wallet-import-refused.png'), fullPage: true })

    await form.getByLabel('The backup’s passphrase').fill(PASS)
    await submit.click()
    await expect
      .poll(() => form.getByTestId('wallet-blocker').textContent(), { timeout: 30_000 })
      .toBe('Pick the backup file.')
    expect(readFileSync(join(b.dataDir, 'wallet.json')).equals(readFileSync(backupPath))).toBe(true)
    expect(await page.getByTestId('wallet-address').first().textContent()).toBe(address)
    await page.screenshot({ path: join(SHOTS, 'wallet-imported.png'), fullPage: true })
    // Now sealed under A's passphrase, as the backup was.
    await b.call('wallet.lock', {})
    expect((await b.call('wallet.unlock', { passphrase: PASS })).locked).toBe(false)
    expect(pageErrors).toEqual([])
  }, 120_000)

  it('adds a second account with the passphrase, after saying why a wrong one added none', async () => {
    const { page } = second
    await page.getByRole('button', { name: 'Add account' }).click()
    const add = page.getByRole('form', { name: 'Add an account' })
    await add.getByLabel(/^Passphrase/).fill(OTHER_PASS)
    await add.getByRole('button', { name: 'Add', exact: true }).click()
    await expect
      .poll(() => add.getByTestId('wallet-error').textContent(), { timeout: 30_000 })
      .toBe('No account was added: wrong passphrase, or the wallet file was altered')
    await add.getByLabel(/^Passphrase/).fill(PASS)
    await add.getByRole('button', { name: 'Add', exact: true }).click()
    await expect.poll(() => page.getByTestId('wallet-account').count(), { timeout: 30_000 }).toBe(2)
    const listed = (await b.call('wallet.status', {})).accounts.map((account) => account.address)
    expect(listed).toHaveLength(2)
    expect(listed[0]).toBe(address)
    expect(await page.getByTestId('wallet-address').allTextContents()).toEqual(listed)
    expect(pageErrors).toEqual([])
    await page.screenshot({ path: join(SHOTS, 'wallet-two-accounts.png'), fullPage: true })
    await second.context.close()
    await first.context.close()
  }, 120_000)
})
