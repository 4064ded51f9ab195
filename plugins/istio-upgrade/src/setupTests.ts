import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// The component tests drive whole dialogs (dry run, plan, request) through user events; on a busy
// 2-core machine, with the rest of the repository's tests running beside them, one such test can take
// more than Jest's default 5 s without anything being wrong.
jest.setTimeout(60_000);

// findBy… and waitFor wait up to 10 s (default 1 s) for the same reason.
configure({ asyncUtilTimeout: 10_000 });
