/**
 * The character budget of what render/ writes: the pull-request comment (markdown.ts and its
 * sections) and the CLI text (verdictText.ts). Every cap a renderer applies is named here, with why.
 * Lengths are in UTF-16 code units (JavaScript's `length`), never fewer than characters; caps on
 * a message or name apply before escaping.
 */
import { GITHUB_COMMENT_LIMIT } from '../shared/githubLimits.js';

// --- The comment as a whole -------------------------------------------------------------------

/**
 * Room left under GitHub's limit for what an adapter adds to the rendered body: the run link or
 * banner the action puts in, the sticky comment's marker line if missing.
 */
export const ADAPTER_RESERVED_CHARS = 536;

/** Longest comment body rendered: GitHub's 65,536 less the adapter's room, 65,000. */
export const MAX_COMMENT_CHARS = GITHUB_COMMENT_LIMIT - ADAPTER_RESERVED_CHARS;

/** The `\n\n` separators between the comment's parts, counted when the per-class table is sized. */
export const PART_SEPARATORS_CHARS = 8;

/** Room kept for the per-class table's own "… more classes — see the full report" note. */
export const CLASS_TABLE_NOTE_CHARS = 400;

// --- Sections and lists of the comment ----------------------------------------------------------

/** A folded confusion matrix larger than this is dropped before any per-class row is. */
export const MAX_MATRIX_SECTION_CHARS = 12_000;
/** Classes shown in the confusion matrix; larger matrices show the focus classes and the most confused. */
export const MAX_MATRIX_CLASSES = 15;
/** Most-confused pairs listed under the matrix. */
export const MAX_CONFUSED_PAIRS = 10;
/** Rows of the folded power table; 40 rows of at most ~150 characters keep it near 6,000 characters. */
export const MAX_POWER_ROWS = 40;
/** Rows of the slice table (worst first); 20 rows of at most ~300 characters keep it near 6,000 characters. */
export const MAX_SLICE_ROWS = 20;
/**
 * Rows of the stress table (one per perturbation, worst first): the default suite has 21; 30 rows
 * of at most ~220 characters keep it, with its chart, near 7,000 characters.
 */
export const MAX_STRESS_ROWS = 30;
/**
 * The folded per-perturbation details of the stress section (per-class recall at each severity,
 * flip rate per cell): rendered with fewer classes per perturbation, then fewer perturbations,
 * until they fit; in the comment they are dropped before the per-class table loses a row.
 */
export const MAX_STRESS_DETAILS_CHARS = 14_000;
/** Classes shown per perturbation in those details (those whose recall fell most), before shortening. */
export const MAX_STRESS_DETAIL_CLASSES = 5;
/** Longest perturbation or class name in the stress section and the terminal's stress line. */
export const STRESS_NAME_CHARS = 40;
/** Failed gates listed one by one; the rest are counted (they are all in the per-class table). */
export const MAX_LISTED_FAILURES = 25;
/** Possible regressions listed one by one, likewise. */
export const MAX_LISTED_POSSIBLE = 25;
/** Notes of the verdict listed one by one; the rest are counted. */
export const MAX_LISTED_NOTES = 10;
/** Warnings of the report listed one by one; the rest are counted. */
export const MAX_LISTED_WARNINGS = 10;

// --- Single fields of the comment ---------------------------------------------------------------

/** Longest gate message, note or warning shown. */
export const MAX_MESSAGE_CHARS = 400;
/** Longest heading title. */
export const TITLE_CHARS = 100;
/** Longest class name or gate name quoted in the headline and the lists under it. */
export const HEADLINE_NAME_CHARS = 40;
/** Longest class name in the per-class table. */
export const CLASS_NAME_CHARS = 80;
/** Longest class name in the confusion matrix's header row, and in its rows and pair list. */
export const MATRIX_HEADER_NAME_CHARS = 24;
export const MATRIX_ROW_NAME_CHARS = 60;
/** Longest slice column, slice value or class name in the slice table and the terminal's slice line. */
export const SLICE_NAME_CHARS = 40;
/** Longest class name in the power table. */
export const POWER_NAME_CHARS = 60;
/** Longest model or test-set path shown in the identity table. */
export const PATH_CHARS = 120;
/** Longest environment field (runtime, OS, version, date) in the identity table and footer. */
export const IDENTITY_FIELD_CHARS = 40;
/** Longest short environment field (execution provider, architecture). */
export const IDENTITY_SHORT_FIELD_CHARS = 20;
/** Hex digits of a digest shown in short form (the identity table has the full ones). */
export const SHORT_DIGEST_HEX = 12;

// --- The CLI text -------------------------------------------------------------------------------

/** Failed gates, possible regressions and notes listed one by one in the terminal; the rest are counted. */
export const TEXT_MAX_LISTED = 20;
/** Rows of the terminal's "Top regressions" table. */
export const TEXT_MAX_TABLE_ROWS = 10;
/** Values of each slice column on the terminal's one slice line (worst first); the rest are counted. */
export const TEXT_MAX_SLICE_VALUES = 4;
/** Longest class name in that table. */
export const TEXT_NAME_CHARS = 40;
