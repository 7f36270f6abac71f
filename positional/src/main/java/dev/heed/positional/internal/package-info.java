/** Built-in positional schemes and their providers; not for use outside this module. */
package dev.heed.positional.internal;
