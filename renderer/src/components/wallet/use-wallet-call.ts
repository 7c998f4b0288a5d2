/** A wallet form's call: its progress (from the store, so other forms wait), and why it failed (the form's own). */
import { useState } from 'react'
import { useHyperMesh } from '../../store/context'
import { selectWalletBusy } from '../../store/selectors'
import type { Outcome } from '../../store/types'
import type { WalletCall } from '../../store/wallet-types'

export function useWalletCall(call: WalletCall) {
  const running = useHyperMesh(selectWalletBusy)
  const [error, setError] = useState<string | null>(null)
  /** Runs the call; its value, or null after its error was kept to be shown. */
  const run = async <T>(work: () => Promise<Outcome<T>>): Promise<T | null> => {
    setError(null)
    const outcome = await work()
    if (outcome.ok) return outcome.value
    setError(outcome.message)
    return null
  }
  return {
    /** This call is running. */
    busy: running === call,
    /** Some wallet call is running (this one or another): the form waits. */
    waiting: running != null,
    error,
    run,
  }
}
