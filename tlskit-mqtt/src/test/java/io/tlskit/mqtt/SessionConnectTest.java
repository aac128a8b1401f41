package io.tlskit.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SessionConnectTest {

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void connectAndConnack(MqttVersion v) throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(v).keepAliveSeconds(45).build());
        assertThat(b.session.state()).isEqualTo(MqttSession.State.IDLE);
        b.session.connect(b.now);
        assertThat(b.session.state()).isEqualTo(MqttSession.State.CONNECTING);
        MqttPacket.Connect c = (MqttPacket.Connect) b.fromClient().get(0);
        assertThat(c.version()).isEqualTo(v);
        assertThat(c.clientId()).isEqualTo("dev1");
        assertThat(c.keepAliveSeconds()).isEqualTo(45);
        assertThat(c.cleanStart()).isTrue();
        b.send(new MqttPacket.ConnAck(false, 0, null));
        assertThat(b.session.state()).isEqualTo(MqttSession.State.CONNECTED);
        List<MqttEvent> events = b.session.takeEvents();
        assertThat(events).hasSize(1);
        MqttEvent.Connected ev = (MqttEvent.Connected) events.get(0);
        assertThat(ev.sessionPresent()).isFalse();
        assertThat(ev.keepAliveSeconds()).isEqualTo(45);
        assertThat(ev.limits()).isEqualTo(ServerLimits.DEFAULTS);
    }

    @Test
    void connect5AnnouncesOurLimitsWillAndCredentials() throws Exception {
        MqttWill will = new MqttWill("status/dev1", "offline".getBytes(StandardCharsets.UTF_8), 1, true,
                MqttProperties.builder().willDelayInterval(30).messageExpiryInterval(600).payloadIsUtf8(true).build());
        BrokerSim b = new BrokerSim(BrokerSim.options(MqttVersion.V5).cleanStart(false).sessionExpiryInterval(3600)
                .receiveMaximum(20).maximumPacketSize(4096).topicAliasMaximum(5).will(will)
                .username("alice").password("s3cret".getBytes(StandardCharsets.UTF_8)).userProperty("site", "lab").build());
        b.session.connect(b.now);
        MqttPacket.Connect c = (MqttPacket.Connect) b.fromClient().get(0);
        assertThat(c.cleanStart()).isFalse();
        assertThat(c.properties().sessionExpiryInterval()).hasValue(3600);
        assertThat(c.properties().receiveMaximum()).hasValue(20);
        assertThat(c.properties().maximumPacketSize()).hasValue(4096);
        assertThat(c.properties().topicAliasMaximum()).hasValue(5);
        assertThat(c.properties().userProperties()).containsExactly(new UserProperty("site", "lab"));
        assertThat(c.will()).isEqualTo(will);
        assertThat(c.will().properties().willDelayInterval()).hasValue(30);
        assertThat(c.username()).isEqualTo("alice");
        assertThat(new String(c.password(), StandardCharsets.UTF_8)).isEqualTo("s3cret");
    }

    @Test
    void passwordNeverAppearsInToString() {
        MqttConnectOptions o = BrokerSim.options(MqttVersion.V5).username("alice")
                .password("s3cret".getBytes(StandardCharsets.UTF_8)).build();
        assertThat(o.toString()).doesNotContain("s3cret").contains("password=(hidden)");
    }

    @Test
    void assignedClientIdAndServerKeepAliveAndLimitsApply() throws Exception {
        BrokerSim b = new BrokerSim(MqttConnectOptions.builder().version(MqttVersion.V5).clientId("").keepAliveSeconds(60).build());
        List<MqttEvent> events = b.connect(false, MqttProperties.builder().assignedClientIdentifier("auto-7")
                .serverKeepAlive(10).receiveMaximum(3).maximumQos(1).build());
        MqttEvent.Connected ev = (MqttEvent.Connected) events.get(0);
        assertThat(ev.clientId()).isEqualTo("auto-7");
        assertThat(ev.clientIdAssigned()).isTrue();
        assertThat(ev.keepAliveSeconds()).isEqualTo(10);
        assertThat(ev.limits().receiveMaximum()).isEqualTo(3);
        assertThat(b.session.clientId()).isEqualTo("auto-7");
        assertThat(b.session.nextDeadline()).isEqualTo(b.now + 10_000);
        // the broker's Maximum QoS binds publish()
        assertThatThrownBy(() -> b.session.publish(MqttMessage.of("t", "x", 2), b.now))
                .isInstanceOf(MqttUsageException.class)
                .satisfies(e -> assertThat(((MqttUsageException) e).error()).isEqualTo(MqttError.QOS_NOT_SUPPORTED));
        // the assigned identifier is used to resume the session on the next connection
        b.session.connectionLost(b.now);
        b.newConnection();
        b.session.connect(b.now, false);
        assertThat(((MqttPacket.Connect) b.fromClient().get(0)).clientId()).isEqualTo("auto-7");
    }

    @Test
    void refusedV5ConnackExplainsReason() throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(MqttVersion.V5).build());
        b.session.connect(b.now);
        b.fromClient();
        b.send(new MqttPacket.ConnAck(false, 0x86, MqttProperties.builder().reasonString("user locked").build()));
        assertThat(b.session.state()).isEqualTo(MqttSession.State.CLOSED);
        MqttEvent.ConnectRefused r = (MqttEvent.ConnectRefused) b.session.takeEvents().get(0);
        assertThat(r.reasonCode()).isEqualTo(0x86);
        assertThat(r.explanation()).contains("bad user name or password").contains("user locked");
    }

    @Test
    void refused311ReturnCodesMapToV5Meanings() throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(MqttVersion.V3_1_1).build());
        b.session.connect(b.now);
        b.fromClient();
        b.sendRaw("20 02 00 05"); // return code 5: not authorized
        MqttEvent.ConnectRefused r = (MqttEvent.ConnectRefused) b.session.takeEvents().get(0);
        assertThat(r.reasonCode()).isEqualTo(0x87);
        assertThat(r.explanation()).contains("not authorized");
    }

    @Test
    void optionsRefuseMqtt5FeaturesOn311() {
        assertThatThrownBy(() -> BrokerSim.options(MqttVersion.V3_1_1).topicAliasMaximum(3).build())
                .isInstanceOf(MqttUsageException.class).hasMessageContaining("only in MQTT 5");
        assertThatThrownBy(() -> BrokerSim.options(MqttVersion.V3_1_1).clientId("").cleanStart(false).build())
                .hasMessageContaining("needs a client identifier");
        assertThatThrownBy(() -> BrokerSim.options(MqttVersion.V3_1_1).password(new byte[1]).build())
                .hasMessageContaining("only together with a user name");
    }

    @Test
    void connectWhileConnectedIsAUsageError() throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(MqttVersion.V5).build());
        b.connect();
        assertThatThrownBy(() -> b.session.connect(b.now)).isInstanceOf(MqttUsageException.class)
                .satisfies(e -> assertThat(((MqttUsageException) e).error()).isEqualTo(MqttError.INVALID_STATE));
    }

    @Test
    void serverDisconnectIsReportedWithReasonAndReference() throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(MqttVersion.V5).build());
        b.connect();
        b.send(new MqttPacket.Disconnect(0x9C, MqttProperties.builder().reasonString("maintenance")
                .serverReference("mqtt2.example.com").build()));
        assertThat(b.session.state()).isEqualTo(MqttSession.State.CLOSED);
        MqttEvent.Disconnected d = (MqttEvent.Disconnected) b.session.takeEvents().get(0);
        assertThat(d.byServer()).isTrue();
        assertThat(d.reasonCode()).isEqualTo(0x9C);
        assertThat(d.reasonString()).hasValue("maintenance");
        assertThat(d.serverReference()).hasValue("mqtt2.example.com");
        assertThat(d.explanation()).contains("Use another server").contains("mqtt2.example.com");
        assertThat(b.session.takeOutput()).isEmpty(); // we answer nothing; the transport closes
    }

    @Test
    void ourDisconnectCarriesReasonAndSessionExpiry() throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(MqttVersion.V5).sessionExpiryInterval(60).build());
        b.connect();
        b.session.disconnect(0x04, MqttProperties.builder().sessionExpiryInterval(0).build(), b.now);
        MqttPacket.Disconnect d = (MqttPacket.Disconnect) b.fromClient().get(0);
        assertThat(d.reasonCode()).isEqualTo(0x04);
        assertThat(d.properties().sessionExpiryInterval()).hasValue(0);
        assertThat(b.session.state()).isEqualTo(MqttSession.State.CLOSED);
        assertThat(b.session.takeEvents()).singleElement().isInstanceOf(MqttEvent.Disconnected.class);

        BrokerSim zero = new BrokerSim(BrokerSim.options(MqttVersion.V5).build());
        zero.connect();
        assertThatThrownBy(() -> zero.session.disconnect(0, MqttProperties.builder().sessionExpiryInterval(5).build(), zero.now))
                .hasMessageContaining("non-zero expiry");
    }

    @Test
    void enhancedAuthExchange() throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(MqttVersion.V5).authenticationMethod("SCRAM-SHA-256")
                .authenticationData(new byte[] {1}).build());
        b.session.connect(b.now);
        MqttPacket.Connect c = (MqttPacket.Connect) b.fromClient().get(0);
        assertThat(c.properties().authenticationMethod()).hasValue("SCRAM-SHA-256");
        b.send(new MqttPacket.Auth(0x18, MqttProperties.builder().authenticationMethod("SCRAM-SHA-256")
                .authenticationData(new byte[] {2}).build()));
        MqttEvent.AuthReceived a = (MqttEvent.AuthReceived) b.session.takeEvents().get(0);
        assertThat(a.reasonCode()).isEqualTo(0x18);
        b.session.auth(0x18, MqttProperties.builder().authenticationMethod("SCRAM-SHA-256")
                .authenticationData(new byte[] {3}).build(), b.now);
        assertThat(b.fromClient()).singleElement().isInstanceOf(MqttPacket.Auth.class);
        b.send(new MqttPacket.ConnAck(false, 0, null));
        assertThat(b.session.state()).isEqualTo(MqttSession.State.CONNECTED);
    }
}
