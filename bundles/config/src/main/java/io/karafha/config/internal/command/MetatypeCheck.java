package io.karafha.config.internal.command;

import java.util.Arrays;

import org.osgi.framework.Bundle;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * Checks a property value against the metatype that a bundle on this node declares for the PID (or
 * the factory PID of {@code factoryPid~name}), before a cluster:config command writes anything. A PID
 * without metatype here, or a property the metatype does not name, passes: the check can only refuse
 * what this node knows to be wrong.
 */
final class MetatypeCheck {

    private MetatypeCheck() {
    }

    /** @return why the value is refused, naming PID, property and value; null when it passes */
    static String rejection(MetaTypeService metatype, Bundle[] bundles, String key, String property, String value) {
        if (metatype == null || bundles == null) {
            return null;
        }
        String pid = key.contains("~") ? key.substring(0, key.indexOf('~')) : key;
        for (Bundle bundle : bundles) {
            MetaTypeInformation info = metatype.getMetaTypeInformation(bundle);
            if (info == null || !(contains(info.getPids(), pid) || contains(info.getFactoryPids(), pid))) {
                continue;
            }
            ObjectClassDefinition ocd;
            try {
                ocd = info.getObjectClassDefinition(pid, null);
            } catch (IllegalArgumentException e) {
                continue;
            }
            AttributeDefinition[] ads = ocd == null ? null : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL);
            for (AttributeDefinition ad : ads == null ? new AttributeDefinition[0] : ads) {
                if (!ad.getID().equals(property)) {
                    continue;
                }
                String problem = ad.validate(value);
                if (problem != null && !problem.isEmpty()) {
                    return "Value '" + value + "' of property " + property + " is not valid for configuration PID " + key
                            + " (" + typeName(ad.getType()) + ", metatype of bundle " + bundle.getSymbolicName() + "): "
                            + problem.replaceFirst("^%", "") + "; nothing was changed";
                }
                return null;
            }
        }
        return null;
    }

    private static boolean contains(String[] values, String value) {
        return values != null && Arrays.asList(values).contains(value);
    }

    private static String typeName(int type) {
        switch (type) {
            case AttributeDefinition.STRING: return "String";
            case AttributeDefinition.LONG: return "Long";
            case AttributeDefinition.INTEGER: return "Integer";
            case AttributeDefinition.SHORT: return "Short";
            case AttributeDefinition.CHARACTER: return "Character";
            case AttributeDefinition.BYTE: return "Byte";
            case AttributeDefinition.DOUBLE: return "Double";
            case AttributeDefinition.FLOAT: return "Float";
            case AttributeDefinition.BOOLEAN: return "Boolean";
            case AttributeDefinition.PASSWORD: return "Password";
            default: return "type " + type;
        }
    }
}
