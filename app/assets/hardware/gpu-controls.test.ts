import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultSharing } from '../sharing/defaults'
import { enforcementOf } from '../sharing/enforcement-report'
import { detectGpuControls, parseGpuControls } from './gpu-controls'

// The shape `nvidia-smi --query-gpu=index,uuid,compute_mode,memory.total --format=csv,noheader,nounits` prints.
const RECORDED = [
  '0, GPU-3b0ad7f2-5c1e-8a44-9d0e-7f6c1b2a9e01, Default, 143771',
  '1, GPU-9c4e2a10-77d3-4b21-a0f5-2e8d6c3b1f42, Prohibited, 143771',
].join('\n')

function script(name: string, body: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'hm-gpu-controls-')), name)
  writeFileSync(file, `#!/bin/sh\n${body}\n`)
  chmodSync(file, 0o755)
  return file
}
const fakeSmi = (output = RECORDED) => script('nvidia-smi', `printf '${output.replaceAll('\n', '\\n')}\\n'`)

describe('the NVIDIA driver’s controls for the GPU share', () => {
  it('parses each GPU’s uuid, compute mode and memory, and refuses other output', () => {
    expect(parseGpuControls(RECORDED)).toEqual([
      {
        index: 0,
        uuid: 'GPU-3b0ad7f2-5c1e-8a44-9d0e-7f6c1b2a9e01',
        computeMode: 'Default',
        memoryTotalBytes: 143771 * 2 ** 20,
      },
      {
        index: 1,
        uuid: 'GPU-9c4e2a10-77d3-4b21-a0f5-2e8d6c3b1f42',
        computeMode: 'Prohibited',
        memoryTotalBytes: 143771 * 2 ** 20,
      },
    ])
    expect(() => parseGpuControls('0, NVIDIA H200, 143771')).toThrow(/3 fields where 4 were asked for/)
    expect(() => parseGpuControls('x, GPU-1, Default, 1')).toThrow(/unexpected GPU line/)
  })

  it('finds MPS usable where nvidia-smi lists a GPU that may compute and the control program exists', async () => {
    const mpsControl = script('nvidia-cuda-mps-control', 'exit 0')
    const controls = await detectGpuControls({ nvidiaSmi: fakeSmi(), mpsControl })
    expect(controls.unavailable).toBeNull()
    expect(controls.gpus).toHaveLength(2)
  })

  it('says why the share cannot be enforced: no driver tools, no GPU, no MPS, compute prohibited', async () => {
    const mpsControl = script('nvidia-cuda-mps-control', 'exit 0')
    expect((await detectGpuControls({ nvidiaSmi: '/nonexistent/nvidia-smi', mpsControl })).unavailable).toBe(
      'no NVIDIA driver tools (nvidia-smi) on this machine',
    )
    const failing = script(
      'nvidia-smi',
      'echo "NVIDIA-SMI has failed because it couldn\'t communicate with the NVIDIA driver" >&2; exit 9',
    )
    expect((await detectGpuControls({ nvidiaSmi: failing, mpsControl })).unavailable).toMatch(
      /^nvidia-smi could not list the GPUs: /,
    )
    expect(
      (await detectGpuControls({ nvidiaSmi: script('nvidia-smi', 'exit 0'), mpsControl })).unavailable,
    ).toBe('nvidia-smi lists no GPU')
    expect((await detectGpuControls({ nvidiaSmi: fakeSmi(), mpsControl: null })).unavailable).toMatch(
      /MPS control program .* is not installed/,
    )
    const prohibited = fakeSmi(RECORDED.replace('Default', 'Prohibited'))
    expect((await detectGpuControls({ nvidiaSmi: prohibited, mpsControl })).unavailable).toBe(
      'every GPU is in the Prohibited compute mode',
    )
  })

  it('the sharing card says what the driver offers for the GPU share, here and on a machine with MPS', async () => {
    const settings = { ...defaultSharing('gpu'), enabled: true, allocationPercent: 40 }
    const none = await detectGpuControls({ nvidiaSmi: '/nonexistent/nvidia-smi' })
    expect(enforcementOf('gpu', settings, null, none).notEnforced).toContain(
      'GPU share: cannot be enforced on this machine: no NVIDIA driver tools (nvidia-smi) on this machine',
    )
    const mps = await detectGpuControls({
      nvidiaSmi: fakeSmi(),
      mpsControl: script('nvidia-cuda-mps-control', 'exit 0'),
    })
    expect(enforcementOf('gpu', settings, null, mps).notEnforced.join(' ')).toMatch(
      /NVIDIA MPS is available here to hold leased work to 40 % of a GPU’s multiprocessors/,
    )
  })
})
