package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

// tflogLogger routes the client's log lines into tflog. Every line goes
// through the redaction of the provider's secrets (osm.Secrets: the
// configured ones, and every token the password login mints into the same
// set), so that no code path that logs through the client can print one,
// nor a prefix of one that a quote cut.
type tflogLogger struct {
	secrets *osm.Secrets
}

func newLogger(secrets ...string) osm.Logger {
	return &tflogLogger{secrets: osm.NewSecrets(secrets...)}
}

// secretsOf returns the set of secrets a logger made by newLogger redacts,
// so that the password login adds the tokens it mints to it; nil for
// another logger.
func secretsOf(l osm.Logger) *osm.Secrets {
	if t, ok := l.(*tflogLogger); ok {
		return t.secrets
	}
	return nil
}

func (l *tflogLogger) Log(ctx context.Context, level osm.Level, msg string, fields map[string]any) {
	msg, fields = l.secrets.Redact(msg), l.secrets.RedactFields(fields)
	switch level {
	case osm.LevelWarn:
		tflog.Warn(ctx, msg, fields)
	case osm.LevelInfo:
		tflog.Info(ctx, msg, fields)
	default:
		tflog.Debug(ctx, msg, fields)
	}
}
