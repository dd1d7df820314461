import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiProblem, localProblem, type Problem } from '../api/problem';

export type Resource<T> =
  | { status: 'loading'; reload: () => void }
  | { status: 'ready'; data: T; reload: () => void }
  | { status: 'failed'; problem: Problem; reload: () => void };

/**
 * Data a page reads from the API, loaded again when its inputs change or on `reload`;
 * an answer to an earlier request that arrives late is dropped.
 */
export function useResource<T>(load: () => Promise<T>, inputs: readonly unknown[]): Resource<T> {
  const [state, setState] = useState<
    { status: 'loading' } | { status: 'ready'; data: T } | { status: 'failed'; problem: Problem }
  >({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  useEffect(() => {
    const request = ++latest.current;
    setState((previous) => (previous.status === 'ready' ? previous : { status: 'loading' }));
    load().then(
      (data) => {
        if (request === latest.current) setState({ status: 'ready', data });
      },
      (error: unknown) => {
        if (request !== latest.current) return;
        setState({
          status: 'failed',
          problem:
            error instanceof ApiProblem
              ? error.problem
              : localProblem('unexpected', error instanceof Error ? error.message : String(error)),
        });
      },
    );
    // `load` is a new function each render; the inputs say when it reads something else.
  }, [...inputs, generation]);
  return { ...state, reload };
}
