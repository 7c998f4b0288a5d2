import { useState } from 'react'
import type { Outcome } from '../store/types'

/**
 * The state of a form's one-off action whose outcome only that form shows (the store keeps none of it):
 * busy while it runs, then its value or why not. Each run clears the last one's.
 */
export function useAsyncAction<T>() {
  const [busy, setBusy] = useState(false)
  const [value, setValue] = useState<T | null>(null)
  const [error, setError] = useState<string | null>(null)
  const run = async (call: () => Promise<Outcome<T>>): Promise<void> => {
    setBusy(true)
    setError(null)
    setValue(null)
    const outcome = await call()
    setBusy(false)
    if (outcome.ok) setValue(outcome.value)
    else setError(outcome.message)
  }
  return { busy, value, error, run }
}
