import { falcon1024Scheme, LEDGER_SCHEMES, nobleFalcon1024Scheme } from './signature-scheme'
import { signatureSchemeComplianceTests } from '../../test/compliance/signature-scheme'
import { FALCON1024_KNOWN_ANSWER } from '../../test/compliance/falcon1024-known-answer'
import { ed25519Scheme } from '../../test/sim/ed25519-scheme'

// Every scheme a genesis may name, and the simulator's, hold to one contract.
for (const scheme of Object.values(LEDGER_SCHEMES)) signatureSchemeComplianceTests(scheme)
signatureSchemeComplianceTests(ed25519Scheme)

// FALCON-1024's two implementations (liboqs, which the node signs with, and @noble) hold to it too, and
// each verifies what the other signs.
const knownAnswer = FALCON1024_KNOWN_ANSWER
signatureSchemeComplianceTests(nobleFalcon1024Scheme, { counterpart: falcon1024Scheme, knownAnswer })
signatureSchemeComplianceTests(falcon1024Scheme, { counterpart: nobleFalcon1024Scheme, knownAnswer })
