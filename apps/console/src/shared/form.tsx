import { useEffect, useId, useRef, type ReactNode } from 'react';
import { say, titleOf } from '../api/messages';
import { codeOf, type Problem } from '../api/problem';
import { useI18n } from '../i18n/i18n';

/** The element id of the field an API path names: `goods.0.serialNumber` → `f-goods-0-serialNumber`. */
export function fieldId(path: string): string {
  return `f-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

export interface FieldMessage {
  text: string;
  lang: 'fr' | 'en';
}

interface ControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: true;
  'aria-required'?: true;
}

/**
 * A labelled control with its hint and its errors, tied together for screen readers
 * (`aria-describedby`, `aria-invalid`). `path` is the API's name of the field.
 */
export function Field({
  path,
  label,
  hint,
  errors = [],
  required,
  children,
}: {
  path: string;
  label: ReactNode;
  hint?: ReactNode;
  errors?: FieldMessage[];
  required?: boolean;
  children: (props: ControlProps) => ReactNode;
}) {
  const { t } = useI18n();
  const id = fieldId(path);
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors.length ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={errors.length ? 'field field--error' : 'field'}>
      <label htmlFor={id}>
        {label}
        {required ? null : <span className="field__optional"> {t('form.optional')}</span>}
      </label>
      {hint ? (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {errors.length ? (
        <p className="field__error" id={errorId}>
          {errors.map((error, index) => (
            <span key={index} lang={error.lang}>
              {error.text}{' '}
            </span>
          ))}
        </p>
      ) : null}
      {children({
        id,
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
        ...(errors.length ? { 'aria-invalid': true as const } : {}),
        ...(required ? { 'aria-required': true as const } : {}),
      })}
    </div>
  );
}

/** A group of radio buttons or checkboxes, with its legend and its errors. */
export function Choices({
  path,
  legend,
  errors = [],
  children,
}: {
  path: string;
  legend: ReactNode;
  errors?: FieldMessage[];
  children: ReactNode;
}) {
  const id = fieldId(path);
  return (
    <fieldset
      className={errors.length ? 'choices field--error' : 'choices'}
      id={id}
      tabIndex={-1}
      aria-describedby={errors.length ? `${id}-error` : undefined}
    >
      <legend>{legend}</legend>
      {errors.length ? (
        <p className="field__error" id={`${id}-error`}>
          {errors.map((error, index) => (
            <span key={index} lang={error.lang}>
              {error.text}{' '}
            </span>
          ))}
        </p>
      ) : null}
      <div className="choices__options">{children}</div>
    </fieldset>
  );
}

export interface SummaryItem {
  /** The API path of the field it is about, when the form shows that field. */
  path?: string;
  label?: string;
  message: FieldMessage;
}

/**
 * What stops a form, at its top: announced when it appears, focused so the keyboard
 * starts there, each line a link to its field.
 */
export function ErrorSummary({ title, items }: { title: string; items: SummaryItem[] }) {
  const ref = useRef<HTMLDivElement>(null);
  const key = items.map((i) => `${i.path}:${i.message.text}`).join('|');
  useEffect(() => {
    if (key) ref.current?.focus();
  }, [key]);
  if (!items.length) return null;
  return (
    <div className="error-summary" role="alert" tabIndex={-1} ref={ref}>
      <h2>{title}</h2>
      <ul>
        {items.map((item, index) => (
          <li key={index}>
            {item.path ? (
              <a
                href={`#${fieldId(item.path)}`}
                onClick={(event) => {
                  event.preventDefault();
                  document.getElementById(fieldId(item.path!))?.focus();
                }}
              >
                {item.label ? `${item.label} : ` : ''}
                <span lang={item.message.lang}>{item.message.text}</span>
              </a>
            ) : (
              <span lang={item.message.lang}>{item.message.text}</span>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * A problem the gateway answered, in words: its title, what it says, and for a refusal
 * about a state, the state the good is in and those the step needs.
 */
export function ProblemNotice({ problem, children }: { problem: Problem; children?: ReactNode }) {
  const i18n = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [problem]);
  const code = codeOf(problem);
  const detail = problem.detail ? say(problem.detail, i18n) : null;
  return (
    <div className="notice notice--problem" role="alert" tabIndex={-1} ref={ref}>
      <h2>{titleOf(problem, i18n)}</h2>
      {detail && code !== 'validation' ? <p lang={detail.lang}>{detail.text}</p> : null}
      {problem.currentState ? (
        <p>
          {i18n.t('problem.currentState', {
            state: stateName(problem.currentState, i18n),
          })}
          {problem.allowedStates?.length
            ? ` ${i18n.t('problem.allowedStates', {
                states: problem.allowedStates.map((s) => stateName(s, i18n)).join(', '),
              })}`
            : null}
        </p>
      ) : null}
      {children}
    </div>
  );
}

function stateName(state: string, i18n: ReturnType<typeof useI18n>): string {
  const key = `state.${state}`;
  return i18n.has(key) ? i18n.t(key) : state;
}

/** The page's title in the tab, and the heading focused on arrival, for screen readers. */
export function PageHeading({
  children,
  title,
  focus = true,
}: {
  children: ReactNode;
  title: string;
  /** False where the page puts the keyboard in its first field instead (the counter's intake). */
  focus?: boolean;
}) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Boucle`;
    if (focus) ref.current?.focus();
  }, [title, focus]);
  return (
    <h1 tabIndex={-1} ref={ref}>
      {children}
    </h1>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="loading" role="status">
      {t('common.loading')}
    </p>
  );
}

/** A unique id for elements that need one and name no API field. */
export function useDomId(prefix: string): string {
  return `${prefix}-${useId().replace(/:/g, '')}`;
}
