package io.karafha.features.internal;

/**
 * The key of one entry in a group's cluster map: {@code feature:<name>/<version>} for a feature a
 * user installed (Karaf's "required" features, not the ones pulled in as dependencies), or
 * {@code repository:<uri>} for a features repository a user added. Repositories sort before
 * features, so a node catching up adds a repository before it installs a feature from it.
 */
final class SyncKey {

    static final String FEATURE = "feature:";
    static final String REPOSITORY = "repository:";

    private SyncKey() {
    }

    static String feature(String name, String version) {
        if (name == null || name.isBlank() || name.contains("/")) {
            throw new IllegalArgumentException("Not a feature name: '" + name + "'");
        }
        return FEATURE + name + "/" + (version == null || version.isBlank() ? "0.0.0" : version);
    }

    static String repository(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("Not a repository URI: '" + uri + "'");
        }
        return REPOSITORY + uri;
    }

    static boolean isRepository(String key) {
        return key.startsWith(REPOSITORY);
    }

    static boolean isFeature(String key) {
        return key.startsWith(FEATURE) && key.indexOf('/') > FEATURE.length();
    }

    /** The feature name of a feature key. */
    static String name(String key) {
        return key.substring(FEATURE.length(), key.indexOf('/'));
    }

    /** The feature version of a feature key. */
    static String version(String key) {
        return key.substring(key.indexOf('/') + 1);
    }

    /** The URI of a repository key. */
    static String uri(String key) {
        return key.substring(REPOSITORY.length());
    }

    /** Repositories first, then features, each in name order. */
    static int compare(String a, String b) {
        boolean ra = isRepository(a);
        boolean rb = isRepository(b);
        return ra == rb ? a.compareTo(b) : ra ? -1 : 1;
    }
}
