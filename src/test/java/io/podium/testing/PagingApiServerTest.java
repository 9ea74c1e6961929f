package io.podium.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The paging stand-in API server, through a plain fabric8 client. */
class PagingApiServerTest {

  private final List<Pod> pods =
      IntStream.range(0, 5).mapToObj(i -> ApiObjects.pod("shop", "web-" + i).build()).toList();
  private final PagingApiServer api =
      PagingApiServer.start(new PagingApiServer.Contents(List.of(), List.of(), pods::get, 5));
  private final KubernetesClient client = api.client();

  @AfterEach
  void tearDown() {
    client.close();
    api.close();
  }

  private PodList list(Long limit, String token) {
    return client
        .pods()
        .inAnyNamespace()
        .list(new ListOptionsBuilder().withLimit(limit).withContinue(token).build());
  }

  @Test
  void servesPagesWithAContinueTokenAndTheCountRemaining() {
    PodList first = list(2L, null);
    PodList second = list(2L, first.getMetadata().getContinue());
    PodList last = list(2L, second.getMetadata().getContinue());

    assertThat(first.getItems())
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("web-0", "web-1");
    assertThat(first.getMetadata().getRemainingItemCount()).isEqualTo(3);
    assertThat(second.getItems())
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("web-2", "web-3");
    assertThat(last.getItems()).extracting(p -> p.getMetadata().getName()).containsExactly("web-4");
    assertThat(last.getMetadata().getContinue()).isNull();
    assertThat(list(null, null).getItems()).hasSize(5);
    assertThat(api.podListPages()).isEqualTo(4);
  }

  @Test
  void refusesWhatItCannotServeInsteadOfIgnoringIt() {
    assertThatThrownBy(() -> list(2L, "not-a-token"))
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(400));
    assertThatThrownBy(() -> client.pods().inAnyNamespace().withLabel("app", "web").list())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(400));
    assertThatThrownBy(() -> client.configMaps().inAnyNamespace().list())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(404));
  }
}
