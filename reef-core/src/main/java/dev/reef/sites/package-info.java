/**
 * Sites: one Reef across data centres, each with its own broker, linked by the broker's own
 * federation (see docs/sites.md). {@link dev.reef.sites.Site} is one entry of the sites file, {@link
 * dev.reef.sites.SiteList} reads the file, and {@link dev.reef.sites.Sites#admin} links the sites and
 * reports the state of their links ({@link dev.reef.sites.SiteAdmin}).
 */
package dev.reef.sites;
