package dev.calicodcos.sim.java8;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;

/**
 * Loads a program's classes as a Java 8 JVM would: lazily, one class when it is first needed, and
 * refusing any class file newer than version 52 with the Java 8 JVM's own error. Its parent is the
 * platform loader, so the program sees the JDK but none of the simulator's classes.
 */
final class Java8ClassLoader extends URLClassLoader {
    static final int JAVA_8_MAJOR = 52;

    static {
        registerAsParallelCapable();
    }

    Java8ClassLoader(URL[] classPath) {
        super("java8-app", classPath, ClassLoader.getPlatformClassLoader());
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        String resource = name.replace('.', '/') + ".class";
        URL url = findResource(resource);
        if (url == null) {
            throw new ClassNotFoundException(name);
        }
        byte[] bytes;
        try (InputStream in = url.openStream()) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
        check(name, bytes);
        int dot = name.lastIndexOf('.');
        if (dot > 0) {
            String pkg = name.substring(0, dot);
            if (getDefinedPackage(pkg) == null) {
                try {
                    definePackage(pkg, null, null, null, null, null, null, null);
                } catch (IllegalArgumentException definedMeanwhile) {
                    // another thread defined it
                }
            }
        }
        return defineClass(name, bytes, 0, bytes.length);
    }

    /** Java 8's text: {@code a/b/C has been compiled by a more recent version of the Java Runtime (class file version 61.0), ...}. */
    static void check(String name, byte[] bytes) {
        if (bytes.length < 8 || (bytes[0] & 0xff) != 0xCA || (bytes[1] & 0xff) != 0xFE
                || (bytes[2] & 0xff) != 0xBA || (bytes[3] & 0xff) != 0xBE) {
            throw new ClassFormatError("Incompatible magic value in class file " + name.replace('.', '/'));
        }
        int minor = ((bytes[4] & 0xff) << 8) | (bytes[5] & 0xff);
        int major = ((bytes[6] & 0xff) << 8) | (bytes[7] & 0xff);
        if (major > JAVA_8_MAJOR) {
            throw new UnsupportedClassVersionError(name.replace('.', '/') + " has been compiled by a more recent version of"
                    + " the Java Runtime (class file version " + major + "." + minor + "), this version of the Java Runtime"
                    + " only recognizes class file versions up to " + JAVA_8_MAJOR + ".0");
        }
    }
}
