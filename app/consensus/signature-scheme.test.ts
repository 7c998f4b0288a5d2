import { falcon1024Scheme, mlDsa87Scheme } from './signature-scheme'
import { signatureSchemeComplianceTests } from '../../test/compliance/signature-scheme'
import { ed25519Scheme } from '../../test/sim/ed25519-scheme'

signatureSchemeComplianceTests(falcon1024Scheme)
signatureSchemeComplianceTests(mlDsa87Scheme)
signatureSchemeComplianceTests(ed25519Scheme)
