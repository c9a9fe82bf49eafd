package io.karafha.registry.hazelcast;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.IMap;
import com.hazelcast.core.MapEvent;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.map.listener.MapClearedListener;
import io.karafha.registry.RegisteredEndpoint;
import io.karafha.registry.Registration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local copy of one space's map, kept current by a map listener, feeding the watchers of its
 * paths: reading a watched list costs no network trip, even while a member hangs.
 */
final class SpaceView {

    private static final Logger LOG = LoggerFactory.getLogger(SpaceView.class);

    private final IMap<String, Map<String, Object>> map;
    private final Map<String, Map<String, Object>> entries = new ConcurrentHashMap<>();
    private final Map<String, List<Watch>> watches = new ConcurrentHashMap<>();
    private final String listenerId;

    SpaceView(IMap<String, Map<String, Object>> map) {
        this.map = map;
        this.listenerId = map.addEntryListener(new Listener(), true);
        reload();
    }

    Registration watch(String path, Consumer<List<RegisteredEndpoint>> listener) {
        Watch watch = new Watch(path, listener);
        watches.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>()).add(watch);
        watch.offer(Entries.ordered(path, entries.values()));
        return () -> watches.getOrDefault(path, List.of()).remove(watch);
    }

    /** This node's own write, seen at once (the map event comes later, on another thread). */
    void written(String key, Map<String, Object> value) {
        if (value == null) {
            entries.remove(key);
        } else {
            entries.put(key, value);
        }
        int bar = key.indexOf('|');
        notifyWatchers(bar < 0 ? key : key.substring(0, bar));
    }

    /** Reads the whole map again (after a merge or a client reconnect) and tells every watcher. */
    void reload() {
        Map<String, Map<String, Object>> now = new HashMap<>(map);
        entries.keySet().retainAll(now.keySet());
        entries.putAll(now);
        watches.keySet().forEach(this::notifyWatchers);
    }

    void close() {
        try {
            map.removeEntryListener(listenerId);
        } catch (RuntimeException e) {
            LOG.debug("registry listener already gone: {}", e.toString());
        }
        watches.clear();
    }

    private void notifyWatchers(String path) {
        List<Watch> list = watches.get(path);
        if (list == null || list.isEmpty()) {
            return;
        }
        List<RegisteredEndpoint> endpoints = Entries.ordered(path, entries.values());
        list.forEach(w -> w.offer(endpoints));
    }

    private final class Listener implements EntryAddedListener<String, Map<String, Object>>,
            EntryUpdatedListener<String, Map<String, Object>>, EntryRemovedListener<String, Map<String, Object>>,
            EntryEvictedListener<String, Map<String, Object>>, MapClearedListener {

        @Override
        public void entryAdded(EntryEvent<String, Map<String, Object>> event) {
            entries.put(event.getKey(), event.getValue());
            notifyWatchers(pathOf(event.getKey()));
        }

        @Override
        public void entryUpdated(EntryEvent<String, Map<String, Object>> event) {
            entryAdded(event);
        }

        @Override
        public void entryRemoved(EntryEvent<String, Map<String, Object>> event) {
            entries.remove(event.getKey());
            notifyWatchers(pathOf(event.getKey()));
        }

        @Override
        public void entryEvicted(EntryEvent<String, Map<String, Object>> event) {
            entryRemoved(event);
        }

        @Override
        public void mapCleared(MapEvent event) {
            entries.clear();
            watches.keySet().forEach(SpaceView.this::notifyWatchers);
        }

        private String pathOf(String key) {
            int bar = key.indexOf('|');
            return bar < 0 ? key : key.substring(0, bar);
        }
    }

    /** One watcher; told only about real changes. */
    private static final class Watch {
        private final String path;
        private final Consumer<List<RegisteredEndpoint>> listener;
        private List<RegisteredEndpoint> last;

        Watch(String path, Consumer<List<RegisteredEndpoint>> listener) {
            this.path = path;
            this.listener = listener;
        }

        synchronized void offer(List<RegisteredEndpoint> endpoints) {
            if (endpoints.equals(last)) {
                return;
            }
            last = endpoints;
            try {
                listener.accept(endpoints);
            } catch (RuntimeException e) {
                LOG.warn("A watcher of {} failed: {}", path, e.toString());
            }
        }
    }
}
