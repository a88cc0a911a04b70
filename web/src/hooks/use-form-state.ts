// Minimal form state (the console has no form library): values, per-field errors, and a way
// to put the API's validation error next to the field it names.
import { useCallback, useEffect, useState } from 'react';
import { ApiError, errorMessage } from '../api/client.ts';
import { humanField, inWords } from '../lib/validation-words.ts';

export interface FormState<V extends Record<string, unknown>> {
  values: V;
  errors: Partial<Record<keyof V | '_form', string>>;
  set: <K extends keyof V>(k: K, v: V[K]) => void;
  setValues: (v: V) => void;
  setError: (k: keyof V | '_form', message: string | undefined) => void;
  clearErrors: () => void;
  /** Shows an API error: on its field when the form has that field, else as a form-level error. Returns the field used. */
  showApiError: (err: unknown, fieldMap?: Record<string, keyof V>) => keyof V | '_form';
}

export function useFormState<V extends Record<string, unknown>>(initial: V): FormState<V> {
  const [values, setValues] = useState<V>(initial);
  const [errors, setErrors] = useState<FormState<V>['errors']>({});
  const set = useCallback(<K extends keyof V>(k: K, v: V[K]) => {
    setValues((prev) => ({ ...prev, [k]: v }));
    setErrors((prev) => (prev[k] ? { ...prev, [k]: undefined } : prev));
  }, []);
  const setError = useCallback((k: keyof V | '_form', message: string | undefined) => setErrors((p) => ({ ...p, [k]: message })), []);
  const clearErrors = useCallback(() => setErrors({}), []);
  const showApiError = useCallback(
    (err: unknown, fieldMap: Record<string, keyof V> = {}) => {
      // `pricing.inputPerMTok` may be mapped; `allowedTools.3` falls back to `allowedTools`.
      const raw = err instanceof ApiError ? err.field : undefined;
      const candidates = raw ? [fieldMap[raw], raw, raw.split('.')[0]] : [];
      const field = candidates.find((f) => f !== undefined && (f as string) in initial);
      const target: keyof V | '_form' = field !== undefined ? (field as keyof V) : '_form';
      // On its field: the reason in words. Form-level: which field too, in words.
      const words = inWords(errorMessage(err), raw);
      setErrors({ [target]: target === '_form' && raw ? `${humanField(raw).replace(/^./, (c) => c.toUpperCase())}: ${words.charAt(0).toLowerCase()}${words.slice(1)}` : words } as FormState<V>['errors']);
      return target;
    },
    // initial is only read for its keys, which never change
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );
  return { values, errors, set, setValues, setError, clearErrors, showApiError };
}

/**
 * A dialog's form starts afresh each time it opens (values from `initial`, no errors). Reset when
 * opening, not when closing: the dialog fades out showing what was submitted.
 */
export function useResetOnOpen<V extends Record<string, unknown>>(form: FormState<V>, opened: boolean, initial: () => V, alsoReset?: () => void): void {
  // Only the opening matters; the form and initial values are read as they are then.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => { if (opened) { form.setValues(initial()); form.clearErrors(); alsoReset?.(); } }, [opened]);
}
