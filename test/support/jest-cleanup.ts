// setupFilesAfterEnv for both jest projects: it shares the test file's module registry, so
// this removes the directories that file's scratchDir calls made, whether its tests passed.
import { removeScratchDirs } from './scratch';

afterAll(() => {
  removeScratchDirs();
});
