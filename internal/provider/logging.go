package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

// tflogLogger routes the client's log lines into tflog. Every line goes
// through the masks of the provider's secrets, so that no code path that
// logs through the client can print one.
type tflogLogger struct {
	secrets []string
}

func newLogger(secrets ...string) osm.Logger {
	l := &tflogLogger{}
	for _, s := range secrets {
		if s != "" {
			l.secrets = append(l.secrets, s)
		}
	}
	return l
}

func (l *tflogLogger) Log(ctx context.Context, level osm.Level, msg string, fields map[string]any) {
	if len(l.secrets) > 0 {
		ctx = tflog.MaskMessageStrings(ctx, l.secrets...)
		ctx = tflog.MaskAllFieldValuesStrings(ctx, l.secrets...)
	}
	switch level {
	case osm.LevelWarn:
		tflog.Warn(ctx, msg, fields)
	case osm.LevelInfo:
		tflog.Info(ctx, msg, fields)
	default:
		tflog.Debug(ctx, msg, fields)
	}
}
