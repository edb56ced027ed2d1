import { type ReactNode, useState } from 'react';
import { createPortal } from 'react-dom';
import { ApiError } from '../lib/api.js';

export function Card(props: {
  title: string;
  value: ReactNode;
  hint?: ReactNode;
  tone?: 'bad' | 'warn' | 'ok';
  testId?: string;
}) {
  return (
    <div className={`card ${props.tone ?? ''}`} data-testid={props.testId}>
      <div className="card-title">{props.title}</div>
      <div className="card-value">{props.value}</div>
      {props.hint ? <div className="card-hint">{props.hint}</div> : null}
    </div>
  );
}

export function Section(props: { title: string; children: ReactNode; actions?: ReactNode; testId?: string }) {
  return (
    <section className="section" data-testid={props.testId}>
      <div className="section-head">
        <h2>{props.title}</h2>
        <div>{props.actions}</div>
      </div>
      {props.children}
    </section>
  );
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const text =
    error instanceof ApiError
      ? `${error.code}: ${error.message}`
      : error instanceof Error
        ? error.message
        : String(error);
  return (
    <div className="error" role="alert">
      {text}
    </div>
  );
}

export function Loading() {
  return <div className="muted">loading…</div>;
}

/**
 * A destructive action: the button opens a confirmation that names what will happen; only the
 * confirmation's own button runs it.
 */
export function ConfirmButton(props: {
  label: string;
  confirm: string;
  onConfirm: () => Promise<unknown> | undefined;
  disabled?: boolean;
  testId?: string;
  danger?: boolean;
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      <button
        type="button"
        className={props.danger ? 'danger' : ''}
        disabled={props.disabled || busy}
        onClick={() => {
          setError(null);
          setOpen(true);
        }}
        data-testid={props.testId}
      >
        {props.label}
      </button>
      {open
        ? createPortal(
            <div className="modal-backdrop">
              <div className="modal" role="dialog" aria-modal="true">
                <p>{props.confirm}</p>
                <ErrorNote error={error} />
                <div className="modal-actions">
                  <button type="button" onClick={() => setOpen(false)} disabled={busy}>
                    Cancel
                  </button>
                  <button
                    type="button"
                    className="danger"
                    data-testid="confirm-yes"
                    disabled={busy}
                    onClick={async () => {
                      setBusy(true);
                      try {
                        await props.onConfirm();
                        setOpen(false);
                      } catch (e) {
                        setError(e);
                      } finally {
                        setBusy(false);
                      }
                    }}
                  >
                    Confirm
                  </button>
                </div>
              </div>
            </div>,
            // On the body: a dialog opened from a table cell must not be clipped by the table's scroller.
            document.body,
          )
        : null}
    </>
  );
}
