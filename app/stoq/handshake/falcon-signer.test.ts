import { falconSignerSuite } from './falcon-signer.suite'
import { inlineFalconSigner } from './falcon-signer'

falconSignerSuite('inline', async (keys) => inlineFalconSigner(keys))
