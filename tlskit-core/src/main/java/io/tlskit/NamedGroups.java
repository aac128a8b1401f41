package io.tlskit;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Vector;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.crypto.TlsCrypto;

/**
 * Key-exchange groups by name (mbedTLS "groups", OpenSSL -groups): x25519, secp256r1 (P-256),
 * secp384r1, x448, ffdhe2048, X25519MLKEM768, ... The first one is the client's TLS 1.3 key share.
 */
final class NamedGroups {
    private static final Map<String, Integer> BY_NAME = new LinkedHashMap<>();

    static {
        for (Field f : NamedGroup.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class && !f.getName().startsWith("DRAFT_")
                && !f.getName().startsWith("arbitrary")) {
                try {
                    BY_NAME.putIfAbsent(f.getName().toLowerCase(Locale.ROOT), f.getInt(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        BY_NAME.put("p-256", NamedGroup.secp256r1);
        BY_NAME.put("p256", NamedGroup.secp256r1);
        BY_NAME.put("prime256v1", NamedGroup.secp256r1);
        BY_NAME.put("p-384", NamedGroup.secp384r1);
        BY_NAME.put("p384", NamedGroup.secp384r1);
        BY_NAME.put("p-521", NamedGroup.secp521r1);
    }

    private NamedGroups() {
    }

    static int[] parse(List<String> names, TlsCrypto crypto) {
        int[] ids = new int[names.size()];
        for (int i = 0; i < ids.length; i++) {
            String name = names.get(i).trim();
            Integer id = BY_NAME.get(name.toLowerCase(Locale.ROOT));
            if (id == null || !crypto.hasNamedGroup(id)) {
                throw new ConfigException("unknown or unsupported key-exchange group '" + name
                    + "': use x25519, secp256r1 (P-256), secp384r1, x448, ffdhe2048 or X25519MLKEM768");
            }
            ids[i] = id;
        }
        return ids;
    }

    static String name(int group) {
        return NamedGroup.getName(group);
    }

    /**
     * The client's supported_groups: ours first, then the ECDSA curves we still need to accept
     * (in TLS 1.2 that list also says which certificate curves we can verify).
     */
    static Vector<Integer> clientList(int[] groups, TlsCrypto crypto) {
        Vector<Integer> list = new Vector<>();
        for (int g : groups) {
            list.add(g);
        }
        for (int curve : new int[] {NamedGroup.secp256r1, NamedGroup.secp384r1}) {
            if (!list.contains(curve) && crypto.hasNamedGroup(curve)) {
                list.add(curve);
            }
        }
        return list;
    }

    static List<String> names(int[] groups) {
        List<String> names = new ArrayList<>();
        for (int g : groups) {
            names.add(name(g));
        }
        return names;
    }
}
