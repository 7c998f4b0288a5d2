import { LEDGER_SCHEMES } from './signature-scheme'
import { signatureSchemeComplianceTests } from '../../test/compliance/signature-scheme'
import { ed25519Scheme } from '../../test/sim/ed25519-scheme'

// Every scheme a genesis may name, and the simulator's, hold to one contract.
for (const scheme of Object.values(LEDGER_SCHEMES)) signatureSchemeComplianceTests(scheme)
signatureSchemeComplianceTests(ed25519Scheme)
