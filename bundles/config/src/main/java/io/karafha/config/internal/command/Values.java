package io.karafha.config.internal.command;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;

/** Property values as config:property-list prints them (arrays as [a, b]). */
final class Values {

    private Values() {
    }

    static String text(Object value) {
        if (value != null && value.getClass().isArray()) {
            List<String> items = new ArrayList<>();
            for (int i = 0; i < Array.getLength(value); i++) {
                items.add(String.valueOf(Array.get(value, i)));
            }
            return items.toString();
        }
        return String.valueOf(value);
    }
}
