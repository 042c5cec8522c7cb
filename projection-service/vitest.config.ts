import { taskflowVitestConfig } from '../vitest.shared.ts';

export default taskflowVitestConfig(import.meta.dirname);
