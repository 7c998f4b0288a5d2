/** The job form's what-to-run part: runtime, code (file or pasted), input (pasted or file) and arguments. */
import { JOB_RUNTIME_INFO, JOB_RUNTIMES, type JobRuntime } from '../../../../shared/api'
import { formatBytes } from '../../lib/format'
import { pickedFile } from '../../lib/picked-file'
import { Field, InputField } from '../Field'
import { takesPastedCode, type JobFields } from './job-form'

interface Props {
  fields: JobFields
  change(patch: Partial<JobFields>): void
}

export function JobCodeFields({ fields, change }: Props) {
  const info = JOB_RUNTIME_INFO[fields.runtime]
  return (
    <fieldset className="job-fields">
      <legend>What to run</legend>
      <InputField
        label="Name"
        value={fields.name}
        onChange={(name) => change({ name })}
        placeholder="optional"
      />
      <Field
        label="Runtime"
        hint={`Code: ${info.code}. Runs on ${info.resource === 'gpu' ? 'a peer’s GPU' : 'peers’ CPUs'}.`}
      >
        {(control) => (
          <select
            {...control}
            value={fields.runtime}
            onChange={(e) => change({ runtime: e.target.value as JobRuntime, codeFile: null })}
          >
            {JOB_RUNTIMES.map((runtime) => (
              <option key={runtime} value={runtime}>
                {JOB_RUNTIME_INFO[runtime].label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Code file">
        {(control) => (
          <>
            <input
              {...control}
              type="file"
              accept={fields.runtime === 'wasm-wasi' ? '.wasm,application/wasm' : undefined}
              onChange={(e) => void pickedFile(e.target).then((codeFile) => change({ codeFile }))}
            />
            {fields.codeFile != null && (
              <span className="muted">
                {fields.codeFile.name}, {formatBytes(fields.codeFile.bytes.length)}
              </span>
            )}
          </>
        )}
      </Field>
      {takesPastedCode(fields.runtime) && fields.codeFile == null && (
        <Field label="Code" wide>
          {(control) => (
            <textarea
              {...control}
              className="mono"
              rows={6}
              spellCheck={false}
              value={fields.codeText}
              onChange={(e) => change({ codeText: e.target.value })}
            />
          )}
        </Field>
      )}
      <Field label="Input" wide>
        {(control) =>
          fields.inputFile == null ? (
            <textarea
              {...control}
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
          )
        }
      </Field>
      <Field label="Input file">
        {(control) => (
          <input
            {...control}
            type="file"
            onChange={(e) => void pickedFile(e.target).then((inputFile) => change({ inputFile }))}
          />
        )}
      </Field>
      <Field label="Arguments">
        {(control) => (
          <textarea
            {...control}
            className="mono"
            rows={2}
            value={fields.args}
            placeholder="one per line"
            onChange={(e) => change({ args: e.target.value })}
          />
        )}
      </Field>
    </fieldset>
  )
}
