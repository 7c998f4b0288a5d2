/**
 * The Send form's steps: fields as typed, checked when the person asks for a review; the node's preview
 * of that request; and the send of exactly the request reviewed. Editing anything drops the review.
 */
import { useState, type FormEvent } from 'react'
import type { WalletAccount, WalletSendPreview, WalletSendRequest, WalletSent } from '../../../../shared/api'
import { useHyperMesh } from '../../store/context'
import { selectActions } from '../../store/selectors'
import { addressOf, checkSend, type SendField, type SendFields, type SendProblems } from './send-form'
import { useWalletCall } from './use-wallet-call'

export interface SendReviewed {
  request: WalletSendRequest
  preview: WalletSendPreview
}

export interface SendDone {
  request: WalletSendRequest
  receipt: WalletSent
}

export function useSendFlow(
  accounts: readonly WalletAccount[],
  to: string,
  onToChange: (to: string) => void,
) {
  const actions = useHyperMesh(selectActions)
  const preview = useWalletCall('previewSend')
  const send = useWalletCall('send')
  const [picked, setFrom] = useState(accounts[0]?.address ?? '')
  // The account picked, while the wallet still lists it (another wallet may have taken this one's place).
  const from = accounts.some((a) => a.address === picked) ? picked : (accounts[0]?.address ?? '')
  const [amount, setAmount] = useState('')
  const [fee, setFee] = useState('')
  const [problems, setProblems] = useState<SendProblems>({})
  const [reviewed, setReview] = useState<SendReviewed | null>(null)
  const [sent, setSent] = useState<SendDone | null>(null)
  // A review holds for the address it was made for: a contact picked while it shows asks for another.
  const review = reviewed != null && reviewed.request.to === addressOf(to) ? reviewed : null
  const values: SendFields = { from, to, amount, fee }

  const edit = (field: SendField, value: string): void => {
    setProblems((p) => ({ ...p, [field]: undefined }))
    setReview(null)
    if (field === 'to') onToChange(value)
    else (field === 'from' ? setFrom : field === 'amount' ? setAmount : setFee)(value)
  }

  const submitReview = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    if (preview.waiting) return
    setSent(null)
    const checked = checkSend(values)
    if (!checked.ok) return setProblems(checked.problems)
    setProblems({})
    const answer = await preview.run(() => actions.previewWalletSend(checked.request))
    if (answer != null) setReview({ request: checked.request, preview: answer })
  }

  const confirm = async (): Promise<void> => {
    if (review == null || send.waiting) return
    const receipt = await send.run(() => actions.sendFromWallet(review.request))
    if (receipt == null) return
    setSent({ request: review.request, receipt })
    setReview(null)
    setAmount('')
    setFee('')
  }

  return {
    values,
    problems,
    review,
    sent,
    /** The review's call and the send's: their progress and errors. */
    preview,
    send,
    edit,
    submitReview,
    confirm,
    backToEdit: () => setReview(null),
  }
}
