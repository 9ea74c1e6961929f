package io.podium.wire;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.Code;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.podium.wire.v1.ErrorDetail;
import io.podium.wire.v1.ErrorReason;
import java.util.Optional;

/**
 * Errors of the agent API as {@code google.rpc.Status} with one typed {@link ErrorDetail}: the
 * server builds them here and the agent reads the reason here, so that neither side ever compares
 * message text.
 */
public final class ErrorDetails {

  private ErrorDetails() {}

  /** A failed call's status: {@code code}, a message for people, and the detail for programs. */
  public static StatusRuntimeException error(Code code, ErrorDetail detail, String message) {
    return StatusProto.toStatusRuntimeException(
        com.google.rpc.Status.newBuilder()
            .setCode(code.getNumber())
            .setMessage(message)
            .addDetails(Any.pack(detail))
            .build());
  }

  public static StatusRuntimeException error(Code code, ErrorReason reason, String message) {
    return error(code, ErrorDetail.newBuilder().setReason(reason).build(), message);
  }

  /** The detail of a failed call, if the server sent one this version can read. */
  public static Optional<ErrorDetail> detail(Throwable failure) {
    com.google.rpc.Status status = StatusProto.fromThrowable(failure);
    if (status == null) {
      return Optional.empty();
    }
    for (Any any : status.getDetailsList()) {
      if (any.is(ErrorDetail.class)) {
        try {
          return Optional.of(any.unpack(ErrorDetail.class));
        } catch (InvalidProtocolBufferException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  /** The reason of a failed call; {@link ErrorReason#ERROR_REASON_UNSPECIFIED} when none. */
  public static ErrorReason reason(Throwable failure) {
    return detail(failure).map(ErrorDetail::getReason).orElse(ErrorReason.ERROR_REASON_UNSPECIFIED);
  }

  /** The gRPC status code of a failed call. */
  public static Status.Code code(Throwable failure) {
    return Status.fromThrowable(failure).getCode();
  }
}
