# syntax=docker/dockerfile:1
# The engine's container image: the Spring Boot jar split into its layers, so that a code change
# rebuilds only the small `application` layer and the ~110 MB of dependencies stay cached.
#   mvn -B -DskipTests package && docker build -t telenc/engine:0.1.0-SNAPSHOT .
# (or, without this file: mvn -B spring-boot:build-image -Dspring-boot.build-image.imageName=telenc/engine:0.1.0-SNAPSHOT)

FROM eclipse-temurin:17-jre AS layers
WORKDIR /build
COPY target/telephone-encounter-engine-*.jar app.jar
# Spring Boot 3.5 syntax (jarmode "tools"; "layertools" is deprecated): one folder per layer, with
# the launcher classes, under extracted/
RUN java -Djarmode=tools -jar app.jar extract --layers --launcher --destination extracted

FROM eclipse-temurin:17-jre
# a fixed, unprivileged uid/gid (10001): k8s/base/deployment.yaml runs the pod as it
RUN groupadd --gid 10001 engine \
    && useradd --uid 10001 --gid engine --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin engine \
    && mkdir -p /var/lib/engine \
    && chown engine:engine /var/lib/engine
WORKDIR /app
# least to most often changed
COPY --from=layers /build/extracted/dependencies/ ./
COPY --from=layers /build/extracted/spring-boot-loader/ ./
COPY --from=layers /build/extracted/snapshot-dependencies/ ./
COPY --from=layers /build/extracted/application/ ./
# engine.data-dir (embedded broker, H2, generated secrets.key): a volume in Kubernetes
ENV ENGINE_DATA_DIR=/var/lib/engine
USER 10001:10001
EXPOSE 8080
# heap = 50 % of the container's memory limit (512 MiB of the pods' 1 Gi; docs/benchmark.md).
# PropertiesLauncher (the jar's own launcher): LOADER_PATH names a folder of extra jars, added to
# the class path (docs/route-authoring.md "Components the engine does not ship"); unset, it runs
# the image's jars only
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=50", "org.springframework.boot.loader.launch.PropertiesLauncher"]
