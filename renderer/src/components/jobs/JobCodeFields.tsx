/** The job form's what-to-run part: runtime, code (file or pasted), input (pasted or file) and arguments. */
import { useId } from 'react'
import { JOB_RUNTIME_INFO, JOB_RUNTIMES, type JobRuntime } from '../../../../shared/api'
import { formatBytes } from '../../lib/format'
import { JobField, pickedFile } from './JobField'
import { takesPastedCode, type JobFields } from './job-form'

interface Props {
  fields: JobFields
  change(patch: Partial<JobFields>): void
}

export function JobCodeFields({ fields, change }: Props) {
  const ids = {
    runtime: useId(),
    code: useId(),
    codeFile: useId(),
    input: useId(),
    inputFile: useId(),
    args: useId(),
  }
  const info = JOB_RUNTIME_INFO[fields.runtime]
  return (
    <fieldset className="job-fields">
      <legend>What to run</legend>
      <JobField
        label="Name"
        value={fields.name}
        onChange={(name) => change({ name })}
        placeholder="optional"
      />
      <span className="field">
        <label htmlFor={ids.runtime}>Runtime</label>
        <select
          id={ids.runtime}
          value={fields.runtime}
          aria-describedby={`${ids.runtime}-hint`}
          onChange={(e) => change({ runtime: e.target.value as JobRuntime, codeFile: null })}
        >
          {JOB_RUNTIMES.map((runtime) => (
            <option key={runtime} value={runtime}>
              {JOB_RUNTIME_INFO[runtime].label}
            </option>
          ))}
        </select>
        <span id={`${ids.runtime}-hint`} className="muted field-hint">
          Code: {info.code}. Runs on {info.resource === 'gpu' ? 'a peer’s GPU' : 'peers’ CPUs'}.
        </span>
      </span>
      <span className="field">
        <label htmlFor={ids.codeFile}>Code file</label>
        <input
          id={ids.codeFile}
          type="file"
          accept={fields.runtime === 'wasm-wasi' ? '.wasm,application/wasm' : undefined}
          onChange={(e) => void pickedFile(e.target).then((codeFile) => change({ codeFile }))}
        />
        {fields.codeFile != null && (
          <span className="muted">
            {fields.codeFile.name}, {formatBytes(fields.codeFile.bytes.length)}
          </span>
        )}
      </span>
      {takesPastedCode(fields.runtime) && fields.codeFile == null && (
        <span className="field field-wide">
          <label htmlFor={ids.code}>Code</label>
          <textarea
            id={ids.code}
            className="mono"
            rows={6}
            spellCheck={false}
            value={fields.codeText}
            onChange={(e) => change({ codeText: e.target.value })}
          />
        </span>
      )}
      <span className="field field-wide">
        <label htmlFor={ids.input}>Input</label>
        {fields.inputFile == null ? (
          <textarea
            id={ids.input}
            className="mono"
            rows={3}
            spellCheck={false}
            value={fields.inputText}
            placeholder="empty: no input"
            onChange={(e) => change({ inputText: e.target.value })}
          />
        ) : (
          <span className="muted">
            {fields.inputFile.name}, {formatBytes(fields.inputFile.bytes.length)}{' '}
            <button type="button" className="button" onClick={() => change({ inputFile: null })}>
              Use pasted input
            </button>
          </span>
        )}
      </span>
      <span className="field">
        <label htmlFor={ids.inputFile}>Input file</label>
        <input
          id={ids.inputFile}
          type="file"
          onChange={(e) => void pickedFile(e.target).then((inputFile) => change({ inputFile }))}
        />
      </span>
      <span className="field">
        <label htmlFor={ids.args}>Arguments</label>
        <textarea
          id={ids.args}
          className="mono"
          rows={2}
          value={fields.args}
          placeholder="one per line"
          onChange={(e) => change({ args: e.target.value })}
        />
      </span>
    </fieldset>
  )
}
