export { REPO, runTool as runCli, lastJsonLine } from '../../src/cli/run-tool';
