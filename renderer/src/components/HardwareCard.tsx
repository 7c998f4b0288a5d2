import type { DiskReading, GpuReading } from '../../../shared/api'
import { formatBytes, formatGHz, formatPercent, usedPercent } from '../lib/format'
import { useHyperMesh } from '../store/context'
import { selectAreaError, selectHardware } from '../store/selectors'
import { Card, EmptyState } from './Card'
import { Meter } from './Meter'

const selectHardwareError = selectAreaError('hardware')

/** This machine as the asset adapters read it: what it could offer to the network. */
export function HardwareCard() {
  const hardware = useHyperMesh(selectHardware)
  const error = useHyperMesh(selectHardwareError)

  if (hardware == null) {
    return (
      <Card title="This machine" className="span-12" testId="hardware-card">
        <EmptyState>
          {error != null ? `Could not read the hardware: ${error}` : 'Reading hardware…'}
        </EmptyState>
      </Card>
    )
  }
  const { cpu, memory, gpus, disks } = hardware

  return (
    <Card title="This machine" className="span-12" testId="hardware-card">
      <div className="hardware-grid">
        <section className="hw" data-testid="hardware-cpu" aria-label="CPU">
          <h3>CPU</h3>
          <p className="hw-model">{cpu.model}</p>
          <p className="muted">
            {cpu.cores} cores · {cpu.physicalCores} physical
            {cpu.speedGHz > 0 && ` · ${formatGHz(cpu.speedGHz)}`}
          </p>
          <div className="hw-meter-row">
            <Meter percent={cpu.loadPercent} label="CPU load" />
            <span className="hw-figure">{formatPercent(cpu.loadPercent)}</span>
          </div>
          <p className="hw-caption">load</p>
        </section>

        <section className="hw" data-testid="hardware-memory" aria-label="Memory">
          <h3>Memory</h3>
          <p className="hw-model">
            {formatBytes(memory.usedBytes)} <span className="muted">of {formatBytes(memory.totalBytes)}</span>
          </p>
          <p className="muted">{formatBytes(memory.availableBytes)} available</p>
          <div className="hw-meter-row">
            <Meter percent={usedPercent(memory.usedBytes, memory.totalBytes)} label="Memory used" />
            <span className="hw-figure">
              {formatPercent(usedPercent(memory.usedBytes, memory.totalBytes))}
            </span>
          </div>
          <p className="hw-caption">used</p>
        </section>

        <section className="hw" data-testid="hardware-gpus" aria-label="GPUs">
          <h3>GPU</h3>
          {gpus.length === 0 ? (
            <p className="muted">No GPU detected on this machine</p>
          ) : (
            <ul className="hw-list">
              {gpus.map((gpu, index) => (
                <Gpu key={`${gpu.model}-${index}`} gpu={gpu} />
              ))}
            </ul>
          )}
        </section>

        <section className="hw" data-testid="hardware-disks" aria-label="Disks">
          <h3>Storage</h3>
          {disks.length === 0 ? (
            <p className="muted">No disks reported</p>
          ) : (
            <ul className="hw-list">
              {disks.map((disk) => (
                <Disk key={disk.mount} disk={disk} />
              ))}
            </ul>
          )}
        </section>
      </div>
    </Card>
  )
}

function Gpu({ gpu }: { gpu: GpuReading }) {
  return (
    <li>
      <p className="hw-model">{gpu.model}</p>
      <p className="muted">
        {gpu.vendor}
        {gpu.vramBytes != null ? ` · ${formatBytes(gpu.vramBytes)} VRAM` : ' · VRAM unknown'}
      </p>
    </li>
  )
}

function Disk({ disk }: { disk: DiskReading }) {
  const percent = usedPercent(disk.usedBytes, disk.sizeBytes)
  return (
    <li className="disk">
      <p>
        <code className="mono">{disk.mount}</code> <span className="muted">{disk.fsType}</span>
      </p>
      <div className="hw-meter-row">
        <Meter percent={percent} label={`${disk.mount} used`} />
        <span className="hw-figure">
          {formatBytes(disk.usedBytes)} / {formatBytes(disk.sizeBytes)}
        </span>
      </div>
    </li>
  )
}
