import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.internal.helpers.HostnamePort;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.server.CommunityBootstrapper;

/**
 * The Neo4j server of sanctions-kg's tests: Neo4j Community (the server `neo4j console` runs:
 * kernel, Cypher, Bolt, the HTTP server and its browser module) from Maven Central, on
 * loopback ports the system picks, with authentication on.
 *
 * Usage: java [Neo4j's JVM flags] -cp classes:lib/* Launcher HOME READY_FILE
 *   HOME        a fresh folder for the data and logs (a temporary folder)
 *   READY_FILE  written once Bolt accepts connections: "bolt=127.0.0.1:PORT http=127.0.0.1:PORT"
 * The password of the user neo4j comes from the environment variable NEO4J_PASSWORD.
 *
 * The server stops, and the JVM exits, when standard input closes (the process that started
 * it ended, however it ended) or on SIGTERM / SIGINT.
 */
public final class Launcher {
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: Launcher HOME READY_FILE");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        Path ready = Path.of(args[1]).toAbsolutePath();
        String password = System.getenv("NEO4J_PASSWORD");
        if (password == null || password.length() < 8) {
            System.err.println("Launcher: set NEO4J_PASSWORD (8 characters or more)");
            System.exit(2);
        }
        Files.createDirectories(home);

        Map<String, String> config = new HashMap<>();
        config.put("server.default_listen_address", "127.0.0.1");
        config.put("server.bolt.enabled", "true");
        config.put("server.bolt.listen_address", "127.0.0.1:0");
        config.put("server.bolt.advertised_address", "127.0.0.1:0");
        config.put("server.http.enabled", "true");
        config.put("server.http.listen_address", "127.0.0.1:0");
        config.put("server.https.enabled", "false");
        config.put("dbms.security.auth_enabled", "true");
        config.put("dbms.usage_report.enabled", "false");
        config.put("server.memory.pagecache.size", "64m");
        // One transaction's memory bound (Neo4j has no per-query one): a query past it is stopped
        // with "db.memory.transaction.max threshold reached", which the CLI says in one line
        // (tests/test_memory_bound.py). docker-compose.yml sets the same for users.
        config.put("db.memory.transaction.max", "256m");
        config.put("db.tx_log.rotation.retention_policy", "1 files");
        config.put("server.directories.data", home.resolve("data").toString());
        config.put("server.directories.logs", home.resolve("logs").toString());

        CommunityBootstrapper server = new CommunityBootstrapper();
        Runnable stop = () -> {
            synchronized (server) {
                if (server.isRunning()) {
                    server.stop();
                }
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "neo4j-stop"));

        // No neo4j.conf: every setting is in `config`.
        int code = server.start(home, home.resolve("neo4j.conf"), config, false, false);
        if (code != 0) {
            System.err.println("Launcher: Neo4j did not start (exit code " + code + "), see " + home.resolve("logs"));
            System.exit(code);
        }
        DatabaseManagementService dbms = server.getDatabaseManagementService();
        // The password users set with `neo4j-admin dbms set-initial-password`; embedded access
        // to the system database bypasses authentication, so the launcher can set it itself.
        dbms.database("system").executeTransactionally(
                "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));

        GraphDatabaseAPI db = (GraphDatabaseAPI) dbms.database("neo4j");
        ConnectorPortRegister ports = db.getDependencyResolver().resolveDependency(ConnectorPortRegister.class);
        HostnamePort bolt = ports.getLocalAddress(ConnectorType.BOLT);
        HostnamePort http = ports.getLocalAddress(ConnectorType.HTTP);
        String line = "bolt=" + bolt + " http=" + http + "\n";
        Path partial = ready.resolveSibling(ready.getFileName() + ".part");
        Files.writeString(partial, line, StandardCharsets.UTF_8);
        Files.move(partial, ready); // whole or absent: the reader never sees half a line
        System.out.print("Launcher: Neo4j ready, " + line);
        System.out.flush();

        // Wait for standard input to close, then stop.
        InputStream in = System.in;
        try {
            while (in.read() != -1) {
                // input is ignored; only its end matters
            }
        } catch (IOException e) {
            // a broken pipe means the parent is gone: stop as well
        }
        System.out.println("Launcher: standard input closed, stopping Neo4j");
        stop.run();
        System.exit(0);
    }
}
