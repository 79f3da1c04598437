/**
 * Limits GitHub puts on what evalgate posts, in one place for every layer: the renderer sizes the
 * comment under them, the sticky-comment client and the publish job enforce them.
 */

/**
 * GitHub's limit on an issue or pull-request comment body, in characters: longer bodies are
 * refused with "Body is too long" (422). Counted here in UTF-16 code units, never fewer than
 * GitHub's characters.
 */
export const GITHUB_COMMENT_LIMIT = 65_536;
