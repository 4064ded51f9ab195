import { useEffect, useState } from 'react';

/**
 * False until `ready` has held through one painted frame, then true for good. The fleet page mounts
 * what lies below its 200-row clusters table (the fleet's warnings and the requests queue, both
 * material-table tables that take tens of milliseconds to mount) only then, so that the rows paint
 * first instead of waiting for tables nobody sees before scrolling.
 */
export function useAfterPaint(ready: boolean = true): boolean {
  const [painted, setPainted] = useState(false);
  useEffect(() => {
    if (!ready || painted) return undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The frame is painted when the task after its animation frame runs.
    const frame =
      typeof requestAnimationFrame === 'function'
        ? requestAnimationFrame(() => {
            timer = setTimeout(() => setPainted(true), 0);
          })
        : undefined;
    if (frame === undefined) timer = setTimeout(() => setPainted(true), 0);
    return () => {
      if (frame !== undefined) cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [ready, painted]);
  return painted;
}
