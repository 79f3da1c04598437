/** evalgate's version, written into every report. Kept equal to package.json by a test. */
export const TOOL_VERSION = '0.1.0';
