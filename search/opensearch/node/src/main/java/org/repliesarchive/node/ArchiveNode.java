package org.repliesarchive.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * One real OpenSearch node built from Maven Central's jars: the server with the modules the archive
 * needs (netty4 for HTTP and the transport, analysis-common for the whitespace analyzer), loaded
 * from the classpath the way OpenSearch's own test framework loads them. No distribution, no
 * plugin folder, no security plugin: plain HTTP on 127.0.0.1 unless told otherwise.
 *
 * Arguments (all optional but --data):
 *   --cluster-name NAME       default archive
 *   --node-name NAME          default node-0
 *   --host HOST               network.host, default 127.0.0.1
 *   --http-port PORT          default 9200
 *   --transport-port PORT     default 9300
 *   --data DIR                this node's folder: data/ and logs/ inside it
 *   --single-node             discovery.type=single-node (development)
 *   --seed-hosts H:P,H:P      the transport addresses of the cluster's nodes
 *   --initial-managers A,B    node names that may elect the first cluster manager
 *   -Ekey=value               any other node setting, as OpenSearch's own command line takes it
 * The node logs to standard output (-Elogger.level=WARN for less).
 * The heap and other JVM options come from the java command line (JAVA_OPTS in the scripts).
 */
public final class ArchiveNode extends Node {

    private static final List<Class<? extends Plugin>> MODULES = List.of(Netty4Plugin.class, CommonAnalysisPlugin.class);

    private ArchiveNode(Settings settings, Path configDir) {
        super(InternalSettingsPreparer.prepareEnvironment(settings, Collections.emptyMap(), configDir, () -> settings.get("node.name")),
              MODULES, true);
    }

    public static void main(String[] args) throws Exception {
        Settings settings = parse(args);
        Path home = Path.of(settings.get("path.home"));
        Path configDir = home.resolve("config");
        Files.createDirectories(configDir);
        Files.createDirectories(Path.of(settings.get("path.data")));
        Files.createDirectories(Path.of(settings.get("path.logs")));
        LogConfigurator.registerErrorListener();
        LogConfigurator.setNodeName(settings.get("node.name"));
        LogConfigurator.configureWithoutConfig(settings);

        ArchiveNode node = new ArchiveNode(settings, configDir);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "archive-node-shutdown"));
        node.start();
        System.out.println("archive-node started: " + settings.get("node.name") + " http://"
                           + settings.get("network.host") + ":" + settings.get("http.port"));
        System.out.flush();
        stopped.await();
    }

    static Settings parse(String[] args) {
        Settings.Builder builder = Settings.builder()
            .put("cluster.name", "archive")
            .put("node.name", "node-0")
            .put("network.host", "127.0.0.1")
            .put("http.port", "9200")
            .put("transport.port", "9300")
            .put("logger.level", "INFO");
        String data = null;
        List<String> extra = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--cluster-name" -> builder.put("cluster.name", args[++i]);
                case "--node-name" -> builder.put("node.name", args[++i]);
                case "--host" -> builder.put("network.host", args[++i]);
                case "--http-port" -> builder.put("http.port", args[++i]);
                case "--transport-port" -> builder.put("transport.port", args[++i]);
                case "--data" -> data = args[++i];
                case "--single-node" -> builder.put("discovery.type", "single-node");
                case "--seed-hosts" -> builder.putList("discovery.seed_hosts", List.of(args[++i].split(",")));
                case "--initial-managers" -> builder.putList("cluster.initial_cluster_manager_nodes", List.of(args[++i].split(",")));
                default -> {
                    if (!arg.startsWith("-E") || !arg.contains("=")) {
                        throw new IllegalArgumentException("unknown argument: " + arg);
                    }
                    extra.add(arg.substring(2));
                }
            }
        }
        if (data == null) {
            throw new IllegalArgumentException("--data DIR is required");
        }
        Path home = Path.of(data).toAbsolutePath();
        builder.put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString());
        for (String setting : extra) {
            int eq = setting.indexOf('=');
            builder.put(setting.substring(0, eq), setting.substring(eq + 1));
        }
        return builder.build();
    }
}
