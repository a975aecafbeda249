// Run after each unit test file (jest.config.js, setupFilesAfterEnv): the
// scratch directories its fixtures made under the OS temp dir are removed,
// whether its tests passed or failed.
import { removeScratchDirs } from './package-fixtures';

afterAll(() => {
  removeScratchDirs();
});
