package dev.reef.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.support.converter.MessageConverter;

/** The Spring AMQP peer carries what Reef carries, through Spring's own Jackson converter. */
class SpringPayloadTest {
  private final ObjectMapper mapper = new ObjectMapper();
  private final MessageConverter converter = SpringAmqp.converter();

  @Test
  void thePeersKnowledgeIsReefsKnowledgeInOneKilobyte() throws Exception {
    Message message = converter.toMessage(SpringPayload.knowledge(), new MessageProperties());
    assertThat(message.getBody()).hasSize(Payload.BYTES);
    assertThat(mapper.readTree(message.getBody())).isEqualTo(mapper.readTree(Payload.knowledge().toJson()));
    assertThat(message.getMessageProperties().getContentType()).isEqualTo(MessageProperties.CONTENT_TYPE_JSON);
  }

  @Test
  void theConverterReadsBackTheRecordsItWrote() {
    SpringPayload.Knowledge knowledge = SpringPayload.knowledge();
    assertThat(converter.fromMessage(converter.toMessage(knowledge, new MessageProperties()))).isEqualTo(knowledge);
    SpringPayload.Question question = SpringPayload.question();
    assertThat(converter.fromMessage(converter.toMessage(question, new MessageProperties()))).isEqualTo(question);
  }

  @Test
  void thePeersQuestionIsReefsQuestion() throws Exception {
    Message message = converter.toMessage(SpringPayload.question(), new MessageProperties());
    assertThat(mapper.readTree(message.getBody())).isEqualTo(mapper.readTree(
        new String(RpcPayload.body(), StandardCharsets.UTF_8)));
  }
}
